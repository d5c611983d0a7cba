using System.Globalization;

namespace Gateway.IntegrationTests.Fuzz;

/// <summary>
/// The Authorization and npm-otp headers of a variant: the stolen first factor in several spellings and
/// positions, and never a valid second factor (none, wrong, garbage, empty, or two of them).
/// </summary>
internal static class CredentialHeaders
{
    private static readonly string[] s_garbageCodes = ["abcdef", "1234567", "12345", " 123456 ", "null", "000000000000", "--"];

    public static void Add(List<KeyValuePair<string, string>> headers, FuzzActor actor, FirstFactor factor, MutationDice dice, List<string> recipe)
    {
        var random = dice.Random;
        var real = factor switch
        {
            FirstFactor.Bearer => (dice.Roll(Mutation.Authorization, 10) ? "bearer " : "Bearer ") + actor.Token,
            FirstFactor.Basic => "Basic " + FuzzWorld.Basic(actor),
            _ => null,
        };
        recipe.Add($"first factor {factor}");
        if (real is not null)
        {
            if (dice.Roll(Mutation.Authorization, 10))
            {
                // Two Authorization headers: a decoy and the stolen one, in either order.
                var decoy = random.Next(2) == 0 ? "Bearer not-a-token" : "Basic " + FuzzWorld.Basic(actor with { Password = "wrong" });
                var realFirst = random.Next(2) == 0;
                headers.Add(new("Authorization", realFirst ? real : decoy));
                headers.Add(new("Authorization", realFirst ? decoy : real));
                recipe.Add($"two Authorization headers (stolen one {(realFirst ? "first" : "last")})");
            }
            else
            {
                headers.Add(new("Authorization", real));
            }
        }

        AddWrongOtp(headers, actor, random, recipe);
    }

    private static void AddWrongOtp(List<KeyValuePair<string, string>> headers, FuzzActor actor, Random random, List<string> recipe)
    {
        var roll = random.Next(100);
        var wrong = WrongCode(actor, random);
        var garbage = s_garbageCodes[random.Next(s_garbageCodes.Length)];
        (string Name, string Value)[] otp = roll switch
        {
            < 40 => [],
            < 65 => [("npm-otp", wrong)],
            < 75 => [("npm-otp", garbage)],
            < 85 => [("npm-otp", "")],
            < 95 => [("npm-otp", random.Next(2) == 0 ? "" : garbage), ("npm-otp", wrong)],
            _ => [("NPM-OTP", wrong)],
        };
        foreach (var (name, value) in otp)
        {
            headers.Add(new(name, value));
        }

        recipe.Add(otp.Length == 0 ? "no npm-otp" : $"npm-otp ×{otp.Length}");
    }

    /// <summary>Six random digits, moved off any code the gateway would accept right now (previous, current, next step).</summary>
    private static string WrongCode(FuzzActor actor, Random random)
    {
        var step = Totp.CurrentStep;
        var valid = new[] { step - 2, step - 1, step, step + 1, step + 2 }.Select(s => Totp.Compute(actor.Secret, s)).ToHashSet();
        var code = random.Next(1_000_000);
        while (valid.Contains(code.ToString("D6", CultureInfo.InvariantCulture)))
        {
            code = (code + 1) % 1_000_000;
        }

        return code.ToString("D6", CultureInfo.InvariantCulture);
    }
}

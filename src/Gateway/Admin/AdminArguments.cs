using System.Globalization;
using Gateway.Accounts;

namespace Gateway.Admin;

/// <summary>One parsed <c>admin</c> command line; usernames are checked here, before they reach a store key.</summary>
internal sealed record AdminArguments(string Verb, string? User, TwoFactorMode? Mode, DateTimeOffset? Since, int Limit)
{
    public static bool TryParse(string[] args, out AdminArguments command)
    {
        command = new AdminArguments("", null, null, null, 50);
        if (args.Length == 0)
        {
            return false;
        }

        var verb = args[0];
        if (verb is "show" or "reset-2fa" or "unlock")
        {
            command = command with { Verb = verb, User = args.Length == 2 ? args[1] : null };
            return args.Length == 2 && Usernames.IsWellFormed(args[1]);
        }

        if (verb is not ("users" or "audit") || (args.Length - 1) % 2 != 0)
        {
            return false;
        }

        command = command with { Verb = verb };
        for (var i = 1; i < args.Length; i += 2)
        {
            var value = args[i + 1];
            switch (verb, args[i])
            {
                case ("users", "--mode") when TwoFactorModes.TryParse(value, out var mode):
                    command = command with { Mode = mode };
                    break;
                case ("audit", "--user") when Usernames.IsWellFormed(value):
                    command = command with { User = value };
                    break;
                case ("audit", "--since") when DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var since):
                    command = command with { Since = since };
                    break;
                case ("audit", "--limit") when int.TryParse(value, CultureInfo.InvariantCulture, out var limit) && limit is > 0 and <= 100_000:
                    command = command with { Limit = limit };
                    break;
                default:
                    return false;
            }
        }

        return true;
    }
}

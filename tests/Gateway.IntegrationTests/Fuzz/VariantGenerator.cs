namespace Gateway.IntegrationTests.Fuzz;

/// <summary>
/// Seeded and reproducible: variant <c>i</c> of seed <c>s</c> is always built from the same random stream
/// (its own, derived from both), so one failing variant can be rebuilt alone. Actions are taken in turn so
/// every (action, actor) pair gets the same share of any run.
/// </summary>
internal sealed class VariantGenerator(FuzzWorld world, int seed)
{
    private static readonly string[] s_customMethods = ["PATCH", "PURGE", "FOO", "MOVE", "PROPPATCH"];

    private readonly IReadOnlyList<(ProtectedAction Action, FuzzActor Actor)> _targets =
        ActionCatalogue.All
            .SelectMany(action => (action.AuthOnly ? world.Actors : [world.Alice]).Select(actor => (action, actor)))
            .ToList();

    public int Seed => seed;

    public FuzzVariant Generate(int index)
    {
        var random = new Random(unchecked(seed * 7_919 + index * 104_729));
        var (action, actor) = _targets[index % _targets.Count];
        var victim = random.Next(2) == 0 ? world.Plain : world.Scoped;
        var input = new ActionInput(world, actor, victim, random, index);
        var recipe = new List<string>();
        var dice = new MutationDice(random, random.Next(100) < 35 ? (Mutation)random.Next(Enum.GetValues<Mutation>().Length) : null);
        if (dice.Focus is { } focus)
        {
            recipe.Add($"focus {focus}");
        }

        var method = SpellMethod(action.Method, dice, recipe);
        var target = PathSpeller.Render(action.Path(input), dice, recipe);
        var headers = new List<KeyValuePair<string, string>>
        {
            new("User-Agent", "npm/11.6.2 node/v22.0.0 linux x64 workspaces/false"),
            new("Accept", "application/json"),
        };
        if (random.Next(2) == 0)
        {
            headers.Add(new("npm-command", action.Name.Split('-')[0]));
        }

        var factor = action.FirstFactors[random.Next(action.FirstFactors.Count)];
        CredentialHeaders.Add(headers, actor, factor, dice, recipe);

        BodyEncoder.Encoded encoded;
        if (action.RawBody is { } raw)
        {
            encoded = new(raw(input), [new("Content-Type", action.ContentType)], dice.Roll(Mutation.Framing, 10, recipe, "chunked"));
        }
        else
        {
            var (text, hidden) = JsonShaper.Shape(action.Body(input), action.Cover, world.Nobody, dice, recipe);
            encoded = BodyEncoder.Encode(text, action.ContentType, hidden, dice, recipe);
        }

        headers.AddRange(encoded.Headers);
        var request = new RawHttpRequest(method, target, headers, encoded.Body, encoded.Chunked);
        return new FuzzVariant(index, action.Name, actor, string.Join("; ", recipe), request);
    }

    private static string SpellMethod(string method, MutationDice dice, List<string> recipe)
    {
        var random = dice.Random;
        var roll = dice.Allows(Mutation.Method) ? random.Next(dice.Focus == Mutation.Method ? 20 : 100) + (dice.Focus == Mutation.Method ? 80 : 0) : 0;
        var spelled = roll switch
        {
            < 80 => method,
            < 87 => method.ToLowerInvariant(),
            < 93 => char.ToUpperInvariant(method[0]) + method[1..].ToLowerInvariant(),
            _ => s_customMethods[random.Next(s_customMethods.Length)],
        };
        if (spelled != method)
        {
            recipe.Add($"method {spelled}");
        }

        return spelled;
    }
}

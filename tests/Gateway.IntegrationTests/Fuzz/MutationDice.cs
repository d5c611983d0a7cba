namespace Gateway.IntegrationTests.Fuzz;

/// <summary>The independent ways a variant may differ from the canonical request.</summary>
internal enum Mutation
{
    Method,
    Path,
    JsonShape,
    MediaType,
    ContentEncoding,
    Framing,
    Authorization,
}

/// <summary>
/// The variant's random source with a focus: a focused variant mutates one dimension only (three times as
/// often), so a bypass that any second mutation would break (a 415, a 400) is still found; an unfocused one
/// mixes them all. Every roll draws a number whatever the focus, so the stream stays the same shape.
/// </summary>
internal sealed class MutationDice(Random random, Mutation? focus)
{
    public Random Random => random;

    public Mutation? Focus => focus;

    public bool Allows(Mutation mutation) => focus is null || focus == mutation;

    public bool Roll(Mutation mutation, int percent)
    {
        var roll = random.Next(100);
        return Allows(mutation) && roll < (focus == mutation ? Math.Min(100, percent * 3) : percent);
    }

    public bool Roll(Mutation mutation, int percent, List<string> recipe, string what)
    {
        var hit = Roll(mutation, percent);
        if (hit)
        {
            recipe.Add(what);
        }

        return hit;
    }
}

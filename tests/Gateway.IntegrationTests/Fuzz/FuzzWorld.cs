namespace Gateway.IntegrationTests.Fuzz;

/// <summary>A 2FA-enrolled user whose first factor the fuzzer holds (as a thief would), and the key of a spare token to revoke.</summary>
internal sealed record FuzzActor(string Label, string Name, string Password, string Token, string Secret, string Mode, string SpareTokenKey)
{
    public bool NeedsCodeForWrites => Mode == "auth-and-writes";
}

/// <summary>A package the fuzzer attacks: its name, the versions and dist-tags it had when the fuzz started, and that packument.</summary>
internal sealed record FuzzVictim(string Name, string Rev, IReadOnlyList<string> Versions, string Tag, string PackumentJson)
{
    public string TarballName(string version) => $"{Name.Split('/')[^1]}-{version}.tgz";
}

/// <summary>Everything the generator needs to know about the registry under attack; fixed before the first variant.</summary>
internal sealed record FuzzWorld(FuzzActor Alice, FuzzActor Bob, string Nobody, FuzzVictim Plain, FuzzVictim Scoped, string TarballBase64)
{
    public IReadOnlyList<FuzzActor> Actors => [Alice, Bob];

    /// <summary>Tokens the fuzzer itself holds: seeing one of these in a response is an echo, not a leak.</summary>
    public IReadOnlySet<string> KnownTokens => new HashSet<string>(Actors.Select(a => a.Token), StringComparer.Ordinal);

    public FuzzActor Other(FuzzActor actor) => actor == Alice ? Bob : Alice;

    /// <summary>Replaces every secret in <paramref name="text"/> with a label that names it, so a report can be replayed but leaks nothing.</summary>
    public string Mask(string text)
    {
        foreach (var actor in Actors)
        {
            text = text
                .Replace(actor.Token, $"«{actor.Label}-token»", StringComparison.Ordinal)
                .Replace(Uri.EscapeDataString(actor.Token), $"«{actor.Label}-token»", StringComparison.Ordinal)
                .Replace(Basic(actor), $"«{actor.Label}-basic»", StringComparison.Ordinal)
                .Replace(actor.Password, $"«{actor.Label}-password»", StringComparison.Ordinal)
                .Replace(actor.Secret, $"«{actor.Label}-totp-secret»", StringComparison.Ordinal);
        }

        return text;
    }

    public static string Basic(FuzzActor actor) =>
        Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{actor.Name}:{actor.Password}"));
}

namespace Gateway.TrustedPublishing;

/// <summary>The claim shapes of trust configurations (npm's <c>type</c>), and so of the issuers that can match them.</summary>
public enum TrustProvider
{
    Github,
    Gitlab,
    Circleci,
}

public static class TrustProviderWire
{
    public static string ToWire(this TrustProvider provider) => provider switch
    {
        TrustProvider.Gitlab => "gitlab",
        TrustProvider.Circleci => "circleci",
        _ => "github",
    };

    public static bool TryParse(string? text, out TrustProvider provider)
    {
        (var known, provider) = text switch
        {
            "github" => (true, TrustProvider.Github),
            "gitlab" => (true, TrustProvider.Gitlab),
            "circleci" => (true, TrustProvider.Circleci),
            _ => (false, TrustProvider.Github),
        };
        return known;
    }
}

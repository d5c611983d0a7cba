namespace Gateway.Automation;

/// <summary>
/// Whether a package's releases must go through staging (<c>npm stage publish</c>, then a maintainer's
/// <c>npm stage approve</c> with a second factor): a direct publish is then refused (docs/SECURITY.md, "Staged publishing").
/// No registry keeps such a rule; the gateway takes it from config/package-rules.json (<c>"staging"</c>).
/// </summary>
public enum StagedPublishing
{
    /// <summary>Direct publishes allowed (with whatever second factor the mode and the package's rule ask).</summary>
    None,

    /// <summary><c>required-for-tokens</c>: a token must stage; a person logged in through the gateway may still publish directly.</summary>
    RequiredForTokens,

    /// <summary><c>required</c>: every release is staged and approved.</summary>
    Required,
}

public static class StagedPublishingWire
{
    public static string ToWire(this StagedPublishing rule) => rule switch
    {
        StagedPublishing.RequiredForTokens => "required-for-tokens",
        StagedPublishing.Required => "required",
        _ => "none",
    };

    public static bool TryParse(string? text, out StagedPublishing rule)
    {
        rule = text switch
        {
            "none" => StagedPublishing.None,
            "required-for-tokens" => StagedPublishing.RequiredForTokens,
            "required" => StagedPublishing.Required,
            _ => (StagedPublishing)(-1),
        };
        return Enum.IsDefined(rule);
    }
}

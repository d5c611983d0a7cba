namespace Gateway.Automation;

/// <summary>
/// A package's publishing rule, npmjs's <c>npm access set mfa=…</c>: <c>none</c> (the publisher's own 2FA mode
/// decides), <c>automation</c> (every write needs a second factor or a bypass-2FA token), <c>publish</c> (every
/// write needs a second factor; tokens never bypass it).
/// </summary>
public enum PackageMfa
{
    None,
    Automation,
    Publish,
}

public static class PackageMfaWire
{
    public static string ToWire(this PackageMfa rule) => rule switch
    {
        PackageMfa.Automation => "automation",
        PackageMfa.Publish => "publish",
        _ => "none",
    };

    public static bool TryParse(string? text, out PackageMfa rule)
    {
        rule = text switch
        {
            "none" => PackageMfa.None,
            "automation" => PackageMfa.Automation,
            "publish" => PackageMfa.Publish,
            _ => (PackageMfa)(-1),
        };
        return Enum.IsDefined(rule);
    }

    /// <summary>npm's wire fields: <c>publish_requires_tfa</c> and <c>automation_token_overrides_tfa</c>.</summary>
    public static PackageMfa FromFlags(bool publishRequiresTfa, bool automationTokenOverridesTfa) =>
        !publishRequiresTfa ? PackageMfa.None : automationTokenOverridesTfa ? PackageMfa.Automation : PackageMfa.Publish;
}

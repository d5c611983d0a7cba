namespace Gateway.Npm;

/// <summary>
/// The route policy's actions for npm's profile API (<c>/-/npm/v1/user</c>, config/route-policy.json). The stages
/// that treat the profile specially key off these names, never off the path's text: the policy already matched
/// every spelling of the path (any letter case, <c>%2D</c>, doubled slashes), and a second, case-sensitive reading of
/// it is how report-only once forwarded <c>POST /-/NPM/v1/user</c> with a token alone (issue 19).
/// </summary>
internal static class ProfileActions
{
    /// <summary><c>GET /-/npm/v1/user</c>: npm profile get (class none); answered with the gateway's <c>tfa</c>.</summary>
    public const string Get = "profile-get";

    /// <summary>A profile write whose body names <c>tfa</c>: enable, confirm, change mode, disable 2FA.</summary>
    public const string TwoFactorChange = "2fa-change";

    /// <summary>Any other profile write: password, email, full name, …</summary>
    public const string Set = "profile-set";

    /// <summary>A write to the profile, 2FA included.</summary>
    public static bool IsChange(string action) => action is Set or TwoFactorChange;
}

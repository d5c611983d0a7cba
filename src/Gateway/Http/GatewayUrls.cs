namespace Gateway.Http;

/// <summary>
/// The one place the gateway's own URLs are spelled (README.md: "Gateway endpoints live under <c>/-/gateway/</c>"):
/// pages, their forms and links, the JSON calls of the pages' script, the web-OTP and web-login flows, health.
/// Route templates inside the page groups are relative to <see cref="Prefix"/>.
/// </summary>
internal static class GatewayUrls
{
    public const string Prefix = "/-/gateway";

    public const string Health = Prefix + "/health";
    public const string Script = Prefix + "/assets/gateway.js";
    public const string Style = Prefix + "/assets/gateway.css";

    public const string SignIn = Prefix + "/sign-in";
    public const string SignOut = Prefix + "/sign-out";

    public const string Account = Prefix + "/account";
    public const string StepUp = Account + "/step-up";
    public const string TotpStart = Account + "/totp/start";
    public const string TotpConfirm = Account + "/totp/confirm";
    public const string TotpRemove = Account + "/totp/remove";
    public const string Keys = Account + "/keys";
    public const string KeyOptions = Account + "/keys/options";
    public const string RecoveryCodes = Account + "/recovery-codes";
    public const string Mode = Account + "/mode";
    public const string Disable = Account + "/disable";
    public const string PackageStaging = Account + "/package-staging";
    public const string TrustedPublishers = Account + "/trusted-publishers";
    public const string RemoveTrustedPublisher = TrustedPublishers + "/remove";

    /// <summary>The "Staged releases" page: what the signed-in user may approve or reject.</summary>
    public const string Staged = Prefix + "/staged";

    public const string AssertionOptions = Prefix + "/webauthn/assertion-options";

    /// <summary>The route of <see cref="Done"/>: polled by npm, outside the pages' group.</summary>
    public const string DoneRoute = Prefix + "/done/{doneId}";

    public static string RemoveKey(string keyId) => $"{Keys}/{keyId}/remove";

    public static string StagedApprove(string stageId) => $"{Staged}/{stageId}/approve";

    public static string StagedReject(string stageId) => $"{Staged}/{stageId}/reject";

    public static string SignInSecondFactor(string pendingId) => $"{SignIn}/{pendingId}";

    public static string Authorize(string flowId) => $"{Prefix}/authorize/{flowId}";

    public static string Login(string flowId) => $"{Prefix}/login/{flowId}";

    public static string LoginSecondFactor(string flowId) => $"{Login(flowId)}/second-factor";

    public static string Done(string doneId) => $"{Prefix}/done/{doneId}";
}

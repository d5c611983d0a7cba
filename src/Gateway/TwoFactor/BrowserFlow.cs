namespace Gateway.TwoFactor;

public enum FlowKind
{
    /// <summary>Web-OTP: a CLI write waits while the user proves a factor on <c>authUrl</c>.</summary>
    Otp,

    /// <summary>Web login: <c>POST /-/v1/login</c>; the user signs in on <c>loginUrl</c>.</summary>
    Login,

    /// <summary>Signing in to the gateway's account pages: the password was right, the second factor is pending.</summary>
    SignIn,
}

/// <summary>A browser flow as the pages see it. <see cref="User"/> is null for a login flow until the password is checked.</summary>
/// <param name="CredentialId">Web-OTP: the credential (keyed hash) whose request opened the flow.</param>
/// <param name="Request">Web-OTP: the request that was challenged (with its body's SHA-256), the only one the approval is for.</param>
/// <param name="Summary">Web-OTP: what the page shows of that request's body, recorded when it was challenged.</param>
public sealed record BrowserFlow(
    string Id, FlowKind Kind, string? User, string? Action, string? Package, bool PasswordChecked, bool Completed,
    string? CredentialId = null, RequestTarget? Request = null, ApprovalSummary? Summary = null);

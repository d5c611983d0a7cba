using System.Globalization;
using System.Security.Claims;
using Gateway.Configuration;
using Gateway.Http;
using Gateway.TwoFactor;
using Microsoft.AspNetCore.Authentication;

namespace Gateway.Browser;

/// <summary>
/// The account pages' session: a short-lived, HTTP-only, same-site cookie limited to <c>/-/gateway</c>,
/// issued only after the password (checked against the registry) and, when the user has 2FA, a second factor.
/// It also records the last step-up (<see cref="StepUp"/>): when, and with what, the user last proved who they are.
/// </summary>
internal static class GatewaySession
{
    public const string Scheme = "gateway-session";
    public static readonly TimeSpan Lifetime = GatewayOptions.SessionLifetime;

    // "sub" keeps antiforgery tokens valid when the cookie is re-issued with a new step-up: without a
    // sub/nameidentifier claim ASP.NET Core binds the tokens to every claim of the session.
    private const string SessionIdClaim = "sub";
    private const string StepUpAtClaim = "gw:step-up-at";
    private const string StepUpStrengthClaim = "gw:step-up";

    public static WebApplicationBuilder AddGatewaySession(this WebApplicationBuilder builder)
    {
        // Under the gateway's public path, if it has one (docs/ARCHITECTURE.md, "The gateway under a path").
        var cookiePath = builder.ValidatedGatewayOptions().PublicPath + GatewayUrls.Prefix;
        builder.Services.AddAuthentication(Scheme).AddCookie(Scheme, options =>
        {
            options.Cookie.Name = "__gw_session";
            options.Cookie.Path = cookiePath;
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest; // always Secure behind https
            options.ExpireTimeSpan = Lifetime;
            options.SlidingExpiration = false;
            options.LoginPath = GatewayUrls.SignIn;
            options.LogoutPath = GatewayUrls.SignOut;
            options.AccessDeniedPath = GatewayUrls.SignIn;
            // A cookie issued before sessions carried an id and a step-up is signed out: sign in again.
            options.Events.OnValidatePrincipal = context =>
            {
                if (context.Principal?.FindFirstValue(SessionIdClaim) is null || context.Principal.LastStepUp() is null)
                {
                    context.RejectPrincipal();
                }

                return Task.CompletedTask;
            };
        });
        builder.Services.AddAuthorization();
        builder.Services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "__gw_antiforgery";
            options.Cookie.Path = cookiePath;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.HeaderName = "RequestVerificationToken";
        });
        builder.Services.AddSingleton<StepUp>();
        builder.Services.AddSingleton<EnrolmentTickets>();
        return builder;
    }

    /// <summary>Starts a session for <paramref name="username"/>, who has just proven <paramref name="proof"/>.</summary>
    public static Task SignInAsync(HttpContext context, string username, StepUpStrength proof, DateTimeOffset now) =>
        IssueAsync(context, username, FlowIds.New(), proof, now);

    /// <summary>Re-issues the current session (same id, so bound codes and antiforgery tokens stay valid) with a new step-up.</summary>
    public static Task RecordStepUpAsync(HttpContext context, StepUpStrength proof, DateTimeOffset now) =>
        IssueAsync(context, context.User.Username(), context.User.FindFirstValue(SessionIdClaim) ?? throw new InvalidOperationException("Not signed in."), proof, now);

    private static async Task IssueAsync(HttpContext context, string username, string sessionId, StepUpStrength proof, DateTimeOffset now)
    {
        var principal = new ClaimsPrincipal(new ClaimsIdentity(
        [
            new Claim(ClaimTypes.Name, username), new Claim(SessionIdClaim, sessionId),
            new Claim(StepUpAtClaim, now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)),
            new Claim(StepUpStrengthClaim, proof.ToString()),
        ], Scheme));
        await context.SignInAsync(Scheme, principal, new AuthenticationProperties { IsPersistent = false });
        context.User = principal; // the rest of this response (antiforgery tokens, the page) sees the new session
    }

    public static Task SignOutAsync(HttpContext context) => context.SignOutAsync(Scheme);

    public static string Username(this ClaimsPrincipal user) => user.Identity?.Name ?? throw new InvalidOperationException("Not signed in.");

    /// <summary>What codes entered in this browser session are bound to.</summary>
    public static string BindingId(this ClaimsPrincipal user) => "web-session:" + user.FindFirstValue(SessionIdClaim);

    /// <summary>The session's id (enrolments started in it are bound to it).</summary>
    public static string SessionId(this ClaimsPrincipal user) => user.FindFirstValue(SessionIdClaim) ?? throw new InvalidOperationException("Not signed in.");

    /// <summary>The session's last step-up, or null for a session that has none.</summary>
    public static (DateTimeOffset At, StepUpStrength Strength)? LastStepUp(this ClaimsPrincipal user) =>
        long.TryParse(user.FindFirstValue(StepUpAtClaim), NumberStyles.None, CultureInfo.InvariantCulture, out var at)
        && Enum.TryParse<StepUpStrength>(user.FindFirstValue(StepUpStrengthClaim), out var strength)
            ? (DateTimeOffset.FromUnixTimeMilliseconds(at), strength)
            : null;
}

using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Gateway.Web;

/// <summary>
/// The account pages' session: a short-lived, HTTP-only, same-site cookie limited to <c>/-/gateway</c>,
/// issued only after the password (checked against the registry) and, when the user has 2FA, a second factor.
/// </summary>
internal static class GatewaySession
{
    public const string Scheme = "gateway-session";
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);
    private const string SessionIdClaim = "gw:sid";

    public static WebApplicationBuilder AddGatewaySession(this WebApplicationBuilder builder)
    {
        builder.Services.AddAuthentication(Scheme).AddCookie(Scheme, options =>
        {
            options.Cookie.Name = "__gw_session";
            options.Cookie.Path = "/-/gateway";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest; // always Secure behind https
            options.ExpireTimeSpan = Lifetime;
            options.SlidingExpiration = false;
            options.LoginPath = "/-/gateway/sign-in";
            options.LogoutPath = "/-/gateway/sign-out";
            options.AccessDeniedPath = "/-/gateway/sign-in";
        });
        builder.Services.AddAuthorization();
        builder.Services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "__gw_antiforgery";
            options.Cookie.Path = "/-/gateway";
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.HeaderName = "RequestVerificationToken";
        });
        return builder;
    }

    public static Task SignInAsync(HttpContext context, string username)
    {
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, username), new Claim(SessionIdClaim, BrowserFlows.FlowIds.New())],
            Scheme);
        return context.SignInAsync(Scheme, new ClaimsPrincipal(identity), new AuthenticationProperties { IsPersistent = false });
    }

    public static Task SignOutAsync(HttpContext context) => context.SignOutAsync(Scheme);

    public static string Username(this ClaimsPrincipal user) => user.Identity?.Name ?? throw new InvalidOperationException("Not signed in.");

    /// <summary>What codes entered in this browser session are bound to.</summary>
    public static string BindingId(this ClaimsPrincipal user) => "web-session:" + user.FindFirstValue(SessionIdClaim);
}

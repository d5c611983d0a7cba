using System.Security.Claims;
using Gateway.Browser;
using Gateway.Configuration;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Browser;

/// <summary>The step-up rule: a second factor (or, without 2FA, the password) within the window.</summary>
public sealed class StepUpTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-27T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly StepUp _stepUp;

    public StepUpTests() => _stepUp = new StepUp(Options.Create(new GatewayOptions { StepUpWindow = TimeSpan.FromMinutes(5) }), _time);

    [Theory]
    [InlineData("SecondFactor", true, 299, true)]
    [InlineData("SecondFactor", true, 301, false)]
    [InlineData("Password", true, 10, false)] // an account with 2FA needs a second factor
    [InlineData("Password", false, 299, true)] // before the first factor, the password
    [InlineData("Password", false, 301, false)]
    [InlineData("SecondFactor", false, 10, true)]
    public async Task IsFresh_ByStrengthAndAge(string strength, bool hasTwoFactor, int ageSeconds, bool fresh)
    {
        var session = await SessionAsync(Enum.Parse<StepUpStrength>(strength), _time.GetUtcNow());
        _time.Advance(TimeSpan.FromSeconds(ageSeconds));

        Assert.Equal(fresh, _stepUp.IsFresh(session, hasTwoFactor));
    }

    [Fact]
    public void IsFresh_SessionWithoutStepUp_False() =>
        Assert.False(_stepUp.IsFresh(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "u")], GatewaySession.Scheme)), hasTwoFactor: false));

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("00:15:01")]
    [InlineData("-00:01:00")]
    public void Validator_StepUpWindowOutOfRange_NamesTheKey(string window)
    {
        var result = new GatewayOptionsValidator().Validate(null, new GatewayOptions
        {
            Upstream = "http://127.0.0.1:4873", PublicUrl = "http://127.0.0.1:8080", StepUpWindow = TimeSpan.Parse(window, System.Globalization.CultureInfo.InvariantCulture),
        });

        Assert.True(result.Failed);
        Assert.Contains("Gateway:StepUpWindow", result.FailureMessage, StringComparison.Ordinal);
    }

    /// <summary>The principal the session cookie carries after a sign-in (the sign-in is captured, not written).</summary>
    private static async Task<ClaimsPrincipal> SessionAsync(StepUpStrength strength, DateTimeOffset at)
    {
        var capture = new CapturingAuthentication();
        var context = new DefaultHttpContext { RequestServices = new ServiceCollection().AddSingleton<IAuthenticationService>(capture).BuildServiceProvider() };
        await GatewaySession.SignInAsync(context, "u", strength, at);
        return capture.Principal!;
    }

    private sealed class CapturingAuthentication : IAuthenticationService
    {
        public ClaimsPrincipal? Principal { get; private set; }

        public Task SignInAsync(HttpContext context, string? scheme, ClaimsPrincipal principal, AuthenticationProperties? properties)
        {
            Principal = principal;
            return Task.CompletedTask;
        }

        public Task<AuthenticateResult> AuthenticateAsync(HttpContext context, string? scheme) => throw new NotSupportedException();

        public Task ChallengeAsync(HttpContext context, string? scheme, AuthenticationProperties? properties) => throw new NotSupportedException();

        public Task ForbidAsync(HttpContext context, string? scheme, AuthenticationProperties? properties) => throw new NotSupportedException();

        public Task SignOutAsync(HttpContext context, string? scheme, AuthenticationProperties? properties) => throw new NotSupportedException();
    }
}

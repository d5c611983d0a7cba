using System.Text;
using System.Text.Json;
using Gateway.Identity;
using Gateway.Npm;
using Gateway.Policy;
using Gateway.TwoFactor;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

using Gateway.Tests.Policy;

namespace Gateway.Tests.Npm;

[Collection(Store.StoreCollection.Name)]
public sealed class ChallengeWriterTests(Store.EmbeddedGarnetFixture store)
{
    // Set on every request: the writer never receives the code, so it must never show up anywhere.
    private const string SentOtp = "493817";

    private readonly CapturingLogger<ChallengeWriter> _log = new();

    [Theory]
    [InlineData(VerificationOutcome.Missing)]
    [InlineData(VerificationOutcome.Invalid)]
    [InlineData(VerificationOutcome.Replayed)]
    public async Task WriteAsync_ChallengeOutcome_Is401WithBareOtpChallenge(VerificationOutcome outcome)
    {
        var response = await WriteAsync(VerificationResult.Of(outcome));

        Assert.Equal(StatusCodes.Status401Unauthorized, response.Status);
        // Exactly "otp": npm matches it case-sensitively and without parameters.
        Assert.Equal("otp", response.Headers["WWW-Authenticate"]);
        Assert.Contains("one-time pass", response.Error);
        Assert.Equal("application/json", response.Headers["Content-Type"]);
        Assert.False(string.IsNullOrWhiteSpace(response.Headers.GetValueOrDefault("npm-notice")));
        Assert.False(response.Headers.ContainsKey("Retry-After"));
    }

    [Fact]
    public async Task WriteAsync_Missing_NoticeAsksForACode()
    {
        var response = await WriteAsync(VerificationResult.Of(VerificationOutcome.Missing));

        Assert.Contains("one-time password", response.Headers["npm-notice"]);
        Assert.Contains("recovery code", response.Headers["npm-notice"]);
    }

    /// <summary>A replayed code must look exactly like a wrong one, or the response reveals that it was valid.</summary>
    [Theory]
    [InlineData(null)]
    [InlineData(30.0)] // the failure that just started a lock-out
    public async Task WriteAsync_InvalidAndReplayed_AreIdentical(double? retryAfterSeconds)
    {
        var retryAfter = retryAfterSeconds is { } s ? TimeSpan.FromSeconds(s) : (TimeSpan?)null;

        var invalid = await WriteAsync(new VerificationResult(VerificationOutcome.Invalid, retryAfter));
        var replayed = await WriteAsync(VerificationResult.Of(VerificationOutcome.Replayed));

        Assert.Equal(invalid.Status, replayed.Status);
        Assert.Equal(invalid.Headers, replayed.Headers);
        Assert.Equal(invalid.Body, replayed.Body);
    }

    [Theory]
    [InlineData(30.0, "30")]
    [InlineData(29.2, "30")]
    [InlineData(0.1, "1")]
    [InlineData(3600.0, "3600")]
    [InlineData(59.0001, "60")]
    public async Task WriteAsync_LockedOut_Is429WithRetryAfterRoundedUp(double retryAfterSeconds, string expectedHeader)
    {
        var response = await WriteAsync(new VerificationResult(VerificationOutcome.LockedOut, TimeSpan.FromSeconds(retryAfterSeconds)));

        Assert.Equal(StatusCodes.Status429TooManyRequests, response.Status);
        Assert.Equal(expectedHeader, response.Headers["Retry-After"]);
        Assert.Contains(expectedHeader + " seconds", response.Error);
        Assert.False(response.Headers.ContainsKey("WWW-Authenticate"));
    }

    [Fact]
    public async Task WriteAsync_LockedOutWithoutRetryAfter_Waits30Seconds()
    {
        var response = await WriteAsync(VerificationResult.Of(VerificationOutcome.LockedOut));

        Assert.Equal(StatusCodes.Status429TooManyRequests, response.Status);
        Assert.Equal("30", response.Headers["Retry-After"]);
    }

    [Theory]
    [InlineData(VerificationOutcome.Missing)]
    [InlineData(VerificationOutcome.Invalid)]
    [InlineData(VerificationOutcome.Replayed)]
    [InlineData(VerificationOutcome.LockedOut)]
    public async Task WriteAsync_AnyRefusal_LogsExactOutcomeButNeverTheCode(VerificationOutcome outcome)
    {
        var response = await WriteAsync(VerificationResult.Of(outcome));

        var entry = Assert.Single(_log.Entries);
        Assert.Equal(LogLevel.Warning, entry.Level);
        Assert.Equal(400, entry.EventId.Id);
        Assert.Contains($"({outcome})", entry.Message);
        Assert.Contains("alice", entry.Message);
        Assert.Contains("demo-pkg", entry.Message);
        Assert.DoesNotContain(SentOtp, entry.Message);
        Assert.DoesNotContain(SentOtp, response.Body);
        Assert.DoesNotContain(response.Headers.Values, v => v.Contains(SentOtp, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(VerificationOutcome.Invalid)]
    [InlineData(VerificationOutcome.Replayed)]
    public async Task WriteAsync_InvalidOrReplayed_LogTellsThemApart(VerificationOutcome outcome)
    {
        await WriteAsync(VerificationResult.Of(outcome));

        var other = outcome == VerificationOutcome.Invalid ? VerificationOutcome.Replayed : VerificationOutcome.Invalid;
        Assert.DoesNotContain($"({other})", Assert.Single(_log.Entries).Message);
    }

    private async Task<WrittenResponse> WriteAsync(VerificationResult result)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "PUT";
        context.Request.Path = "/demo-pkg";
        context.Request.Headers["npm-otp"] = SentOtp;
        context.Response.Body = new MemoryStream();
        var feature = new GatewayRequestFeature
        {
            Classification = new RequestClassification(TestActions.Named("publish"), "demo-pkg", ProtectionClass.Writes, "publish"),
            Path = RequestPath.Parse("/demo-pkg"),
            RawTarget = "/demo-pkg",
        };
        feature.Identified(new CallerIdentity("alice", "credential-a"), loginPassword: null);
        context.Features.Set(feature);

        await new ChallengeWriter(_log, new DecisionAudit(TwoFactor.CoreCollaborators.Audit(store, TimeProvider.System), TwoFactor.CoreCollaborators.Metrics()))
            .WriteAsync(context, result);

        var body = Encoding.UTF8.GetString(((MemoryStream)context.Response.Body).ToArray());
        var headers = context.Response.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        return new WrittenResponse(context.Response.StatusCode, headers, body);
    }

    private sealed record WrittenResponse(int Status, Dictionary<string, string> Headers, string Body)
    {
        public string Error => JsonDocument.Parse(Body).RootElement.GetProperty("error").GetString()!;
    }
}

using System.Net;
using System.Text.Json;
using Gateway.IntegrationTests.Harness;

namespace Gateway.IntegrationTests;

/// <summary>
/// The operator's commands against a running gateway (real Verdaccio, real npm, the embedded store reached through
/// its access file, or a shared redis-server), and the report-only rollout with a real <c>npm publish</c>.
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class OperatorCommandsTests(RegistryFixture registry)
{
    [Fact]
    public async Task ResetTwoFactor_UserWhoLostEverything_PublishesAndEnrolsAgain_Audited()
    {
        await using var gateway = await registry.StartGatewayAsync(store: "embedded");
        var lost = await gateway.EnrolAsync(await registry.CreateUserAsync("lost"));
        using var npm = new NpmCli(gateway.RegistryUrl);
        npm.SetToken(lost.Token);
        var name = RegistryFixture.UniquePackageName("lost");
        var refused = await npm.RunAsync(npm.CreatePackage(name, "1.0.0"), "publish");
        Assert.Contains("code EOTP", refused.Stderr);

        var reset = await AdminCli.RunAsync(gateway, "reset-2fa", lost.Name);

        Assert.True(reset.Exit == 0, reset.Stderr);
        Assert.Contains("two-factor authentication removed", reset.Stdout);
        // The running gateway forgot its cached mode (announced through the store): no code is asked for now.
        var withoutTwoFactor = await npm.RunAsync(npm.CreatePackage(name, "1.0.0"), "publish");
        Assert.True(withoutTwoFactor.Succeeded, withoutTwoFactor.ToString());

        var again = await gateway.EnrolAsync(lost.User);
        var refusedAgain = await npm.RunAsync(npm.CreatePackage(name, "1.1.0"), "publish");
        Assert.Contains("code EOTP", refusedAgain.Stderr);
        var withNewCode = await npm.RunAsync(npm.CreatePackage(name, "1.1.0"), "publish", "--otp", await Totp.CodeAsync(again.Secret));
        Assert.True(withNewCode.Succeeded, withNewCode.ToString());

        var audit = await AdminCli.RunAsync(gateway, "audit", "--user", lost.Name);
        Assert.True(audit.Exit == 0, audit.Stderr);
        var operatorLine = Assert.Single(audit.Stdout.Split('\n'), l => l.Contains("\toperator-action\t", StringComparison.Ordinal));
        Assert.Contains("\treset-2fa\t", operatorLine);
        Assert.Contains("client=operator", operatorLine);
        var show = await AdminCli.RunAsync(gateway, "show", lost.Name);
        Assert.Contains("mode:            auth-and-writes", show.Stdout);
        Assert.Contains("operator-action", show.Stdout);
        foreach (var secret in new[] { lost.Secret, again.Secret, lost.Token, lost.Password })
        {
            Assert.DoesNotContain(secret, audit.Stdout + show.Stdout + gateway.Output.Text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Unlock_LockedOutUser_CanUseACodeAgain_AndUsersListsByMode()
    {
        await using var gateway = await registry.StartGatewayAsync();
        var user = await gateway.EnrolAsync(await registry.CreateUserAsync("locked"));
        var wrong = (int.Parse(await Totp.CodeAsync(user.Secret), System.Globalization.CultureInfo.InvariantCulture) + 1) % 1_000_000;
        HttpStatusCode last = 0;
        for (var i = 0; i < 6; i++)
        {
            last = (await gateway.CreateTokenAsync(user.User, wrong.ToString("D6", System.Globalization.CultureInfo.InvariantCulture))).Status;
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, last);
        var show = await AdminCli.RunAsync(gateway, "show", user.Name);
        Assert.Contains("locked until", show.Stdout);

        var unlock = await AdminCli.RunAsync(gateway, "unlock", user.Name);

        Assert.True(unlock.Exit == 0, unlock.Stderr);
        var accepted = await gateway.CreateTokenAsync(user.User, await Totp.CodeAsync(user.Secret));
        Assert.Equal(HttpStatusCode.OK, accepted.Status);
        var users = await AdminCli.RunAsync(gateway, "users", "--mode", "auth-and-writes");
        Assert.Contains(users.Stdout.Split('\n'), l => l.StartsWith(user.Name + "\tauth-and-writes", StringComparison.Ordinal));
        var disabled = await AdminCli.RunAsync(gateway, "users", "--mode", "auth-only");
        Assert.DoesNotContain(user.Name, disabled.Stdout);
    }

    [Fact]
    public async Task TokenCreate_IsAuditedWithTheLimitsTheGatewayEnforces_NeverTheToken()
    {
        var gateway = await registry.SharedGatewayAsync();
        var user = await gateway.EnrolAsync(await registry.CreateUserAsync("tokens"));

        var created = await gateway.CreateTokenAsync(user.User, await Totp.CodeAsync(user.Secret));

        Assert.Equal(HttpStatusCode.OK, created.Status);
        var token = created.Json!["token"]!.GetValue<string>();
        var text = await gateway.Http.GetStringAsync($"-/gateway/audit?user={user.Name}");
        using var audit = JsonDocument.Parse(text);
        var types = audit.RootElement.EnumerateArray().Select(e => e.GetProperty("type").GetString()).Reverse().ToList();
        Assert.Equal(["enrolment-started", "2fa-enabled", "request-allowed", "token-created"], types);
        var record = audit.RootElement.EnumerateArray().First();
        Assert.Equal("token-create", record.GetProperty("action").GetString());
        Assert.StartsWith("read-write;expires=", record.GetProperty("outcome").GetString(), StringComparison.Ordinal);
        Assert.EndsWith(";bypass-2fa=false", record.GetProperty("outcome").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(token, text, StringComparison.Ordinal);
        Assert.DoesNotContain(token, gateway.Output.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReportOnly_NpmPublishWithoutCode_IsForwardedAndRecorded()
    {
        await using var gateway = await registry.StartGatewayAsync(new Dictionary<string, string?> { ["Gateway__Enforcement"] = "report-only" });
        var user = await gateway.EnrolAsync(await registry.CreateUserAsync("rollout"));
        using var npm = new NpmCli(gateway.RegistryUrl);
        npm.SetToken(user.Token);
        var name = RegistryFixture.UniquePackageName("rollout");

        var publish = await npm.RunAsync(npm.CreatePackage(name, "1.0.0"), "publish");

        Assert.True(publish.Succeeded, publish.ToString());
        var view = await npm.RunAsync(npm.CreatePackage(name + "-view", "0.0.1"), "view", name, "version");
        Assert.Contains("1.0.0", view.Stdout);
        using var audit = JsonDocument.Parse(await gateway.Http.GetStringAsync($"-/gateway/audit?user={user.Name}"));
        var recorded = Assert.Single(audit.RootElement.EnumerateArray(), e => e.GetProperty("type").GetString() == "would-challenge");
        Assert.Equal("publish", recorded.GetProperty("action").GetString());
        Assert.Equal(name, recorded.GetProperty("package").GetString());
        Assert.Single(gateway.Output.Text.Split('\n'), l => l.Contains("Audit would-challenge", StringComparison.Ordinal));
        // Counted once as a would-be challenge (the in-process host test leaves this count to this real process).
        var metrics = await gateway.Http.GetStringAsync("-/gateway/metrics");
        Assert.Single(metrics.Split('\n'), l => l.StartsWith("gateway_requests_total{", StringComparison.Ordinal)
            && l.Contains("class=\"writes\"", StringComparison.Ordinal) && l.Contains("decision=\"would-challenge\"", StringComparison.Ordinal) && l.EndsWith("} 1", StringComparison.Ordinal));
    }
}

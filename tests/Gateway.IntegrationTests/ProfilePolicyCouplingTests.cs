using System.Net;
using System.Text.Json.Nodes;
using Gateway.IntegrationTests.Harness;

namespace Gateway.IntegrationTests;

/// <summary>
/// The gateway answers npm's 2FA changes itself, for the requests the route policy names with the profile's actions
/// (<c>2fa-change</c>, <c>profile-set</c>: every spelling of <c>/-/npm/v1/user</c>, never the path's text). Whether
/// they need a second factor depends on the class the policy gives them. An operator's edit that weakens them must fail
/// closed: a change to an enabled 2FA that reaches the profile stage without a verified second factor is refused, and
/// npm's own enrolment still works (it reads the body itself, not through a body rule).
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class ProfilePolicyCouplingTests(RegistryFixture registry)
{
    [Fact]
    public async Task PolicyWithWeakenedProfileRules_EnrolmentWorks_DisablingWithoutCodeRefused()
    {
        using var folder = new TempDirectory("policy");
        var policy = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "config", "route-policy.json")))!.AsObject();
        // class writes instead of auth: an auth-only user's 2FA change would need no second factor by the policy alone.
        foreach (var rule in policy["rules"]!.AsArray().Where(r => r!["action"]!.GetValue<string>() is "2fa-change" or "profile-set"))
        {
            rule!["class"] = "writes";
        }

        await File.WriteAllTextAsync(folder.Combine("route-policy.json"), policy.ToJsonString());
        await using var gateway = await registry.StartGatewayAsync(new Dictionary<string, string?> { ["Gateway__PolicyFile"] = folder.Combine("route-policy.json") });
        var bob = await gateway.EnrolAsync(await registry.CreateUserAsync("coupling"), mode: "auth-only");

        var disable = await gateway.SendAsync(HttpMethod.Post, "-/npm/v1/user", bob.Token,
            body: new JsonObject { ["tfa"] = new JsonObject { ["password"] = bob.Password, ["mode"] = "disable" } });
        var profile = await gateway.SendAsync(HttpMethod.Get, "-/npm/v1/user", bob.Token);

        Assert.Equal(HttpStatusCode.Forbidden, disable.Status);
        Assert.Equal("auth-only", profile.Json?["tfa"]?["mode"]?.GetValue<string>());
        Assert.True(await gateway.Output.WaitForLineAsync("the route policy"), gateway.Output.Tail());
    }

    /// <summary>
    /// A policy that no longer names the profile's actions at all: <c>POST /-/npm/v1/user</c> is then an unknown write,
    /// which the profile stage never answers (it keys off the action), so no request can change the gateway's 2FA
    /// records there — the registry gets it and has no say over them (Verdaccio 6.8 answers 503 to <c>tfa</c>).
    /// </summary>
    [Fact]
    public async Task PolicyWithoutProfileRules_TwoFactorChangeNeverReachesTheGatewaysRecords()
    {
        using var folder = new TempDirectory("policy");
        var policy = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "config", "route-policy.json")))!.AsObject();
        var rules = policy["rules"]!.AsArray();
        foreach (var rule in rules.Where(r => r!["action"]!.GetValue<string>() is "2fa-change" or "profile-set").ToList())
        {
            rules.Remove(rule);
        }

        await File.WriteAllTextAsync(folder.Combine("route-policy.json"), policy.ToJsonString());
        var enrolling = await registry.SharedGatewayAsync();
        var bob = await enrolling.EnrolAsync(await registry.CreateUserAsync("uncoupled"), mode: "auth-only");
        await using var gateway = await registry.StartGatewayAsync(new Dictionary<string, string?> { ["Gateway__PolicyFile"] = folder.Combine("route-policy.json") });

        var disable = await gateway.SendAsync(HttpMethod.Post, "-/npm/v1/user", bob.Token,
            body: new JsonObject { ["tfa"] = new JsonObject { ["password"] = bob.Password, ["mode"] = "disable" } });
        var profile = await enrolling.SendAsync(HttpMethod.Get, "-/npm/v1/user", bob.Token);

        Assert.False(disable.Status is >= HttpStatusCode.OK and < HttpStatusCode.MultipleChoices, disable.ToString());
        Assert.Equal("auth-only", profile.Json?["tfa"]?["mode"]?.GetValue<string>());
    }
}

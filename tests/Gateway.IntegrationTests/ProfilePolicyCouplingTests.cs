using System.Net;
using System.Text.Json.Nodes;
using Gateway.IntegrationTests.Harness;

namespace Gateway.IntegrationTests;

/// <summary>
/// The gateway answers npm's 2FA changes itself; whether they need a second factor used to depend on the route
/// policy naming them class auth. An operator's edit that drops those rules must fail closed: a change to an
/// enabled 2FA that reaches the profile endpoint without a verified second factor is refused, and npm's own
/// enrolment still works (it reads the body itself, not through a body rule).
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class ProfilePolicyCouplingTests(RegistryFixture registry)
{
    [Fact]
    public async Task PolicyWithoutProfileRules_EnrolmentWorks_DisablingWithoutCodeRefused()
    {
        using var folder = new TempDirectory("policy");
        var policy = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "config", "route-policy.json")))!.AsObject();
        var rules = policy["rules"]!.AsArray();
        foreach (var rule in rules.Where(r => r!["action"]!.GetValue<string>() is "2fa-change" or "profile-set").ToList())
        {
            rules.Remove(rule);
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
}

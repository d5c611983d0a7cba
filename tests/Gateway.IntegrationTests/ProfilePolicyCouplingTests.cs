using System.Text.Json.Nodes;
using Gateway.IntegrationTests.Harness;

namespace Gateway.IntegrationTests;

/// <summary>
/// The gateway answers npm's 2FA changes itself, for the requests the route policy names with the profile's actions
/// (<c>2fa-change</c>, <c>profile-set</c>). An operator's edit that weakens them, or drops them, no longer reaches a
/// running gateway at all: the real process refuses to start on such a policy, naming the file, the line and the reason
/// (docs/ARCHITECTURE.md, "Actions"). The profile endpoint's own refusal of an unverified change to an enabled 2FA stays
/// as a second line (Endpoints/ProfileEndpoint.cs).
/// </summary>
[Collection(RegistryCollection.Name)]
public sealed class ProfilePolicyCouplingTests(RegistryFixture registry)
{
    [Fact]
    public async Task PolicyWithWeakenedProfileRules_GatewayRefusesToStart_NamingFileLineAndReason()
    {
        using var folder = new TempDirectory("policy");
        var policy = Shipped();
        // class writes instead of auth: an auth-only user's 2FA change would need no second factor by the policy alone.
        foreach (var rule in policy["rules"]!.AsArray().Where(r => r!["action"]!.GetValue<string>() is "2fa-change" or "profile-set"))
        {
            rule!["class"] = "writes";
        }

        var file = folder.Combine("route-policy.json");
        await File.WriteAllTextAsync(file, policy.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            registry.StartGatewayAsync(new Dictionary<string, string?> { ["Gateway__PolicyFile"] = file }));

        Assert.Contains("exited before it was ready", refused.Message, StringComparison.Ordinal);
        Assert.Matches($@"{System.Text.RegularExpressions.Regex.Escape(file)}:\d+: rules\[\d+\] '2fa-change': ""class"" may not be lower than 'auth' for 2fa-change", refused.Message);
        Assert.Contains("'profile-set': \"class\" may not be lower than 'auth'", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PolicyWithoutProfileRules_GatewayRefusesToStart()
    {
        using var folder = new TempDirectory("policy");
        var policy = Shipped();
        var rules = policy["rules"]!.AsArray();
        foreach (var rule in rules.Where(r => r!["action"]!.GetValue<string>() is "2fa-change" or "profile-set").ToList())
        {
            rules.Remove(rule);
        }

        var file = folder.Combine("route-policy.json");
        await File.WriteAllTextAsync(file, policy.ToJsonString());

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            registry.StartGatewayAsync(new Dictionary<string, string?> { ["Gateway__PolicyFile"] = file }));

        Assert.Contains($"{file}: no rule names the npm action '2fa-change'", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"{file}: no rule names the npm action 'profile-set'", refused.Message, StringComparison.Ordinal);
    }

    private static JsonObject Shipped() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "config", "route-policy.json")))!.AsObject();
}

using System.Diagnostics;
using Gateway.IntegrationTests.Harness;

namespace Gateway.IntegrationTests;

/// <summary>
/// The gateway executable as operators use it: <c>policy explain</c> without traffic, and refusal to
/// start on a malformed policy file (file, rule and reason on stderr, non-zero exit).
/// </summary>
[Collection(Verdaccio9Collection.Name)]
public sealed class PolicyCommandTests
{
    [Theory]
    [InlineData("PUT", "/%40acme%2Fwidget/", "@acme/widget", "publish", "writes")]
    [InlineData("PUT", "/@ACME%2fwidget", "@ACME/widget", "publish", "writes")]
    [InlineData("PUT", "//@acme/widget//", "@acme/widget", "publish", "writes")]
    [InlineData("PATCH", "/-/not-a-route", "(none)", "unknown-write", "writes")]
    [InlineData("POST", "/-/NPM/v1/tokens", "(none)", "token-create", "auth")]
    [InlineData("GET", "/@acme%2fwidget", "@acme/widget", "packument", "none")]
    public async Task Explain_Request_PrintsRuleActionPackageAndClass(string method, string path, string package, string action, string protection)
    {
        var (exit, stdout, stderr) = await RunGatewayAsync("policy", "explain", method, path);

        Assert.True(exit == 0, stderr);
        Assert.Contains($"action:       {action}", stdout);
        Assert.Contains($"package:      {package}", stdout);
        Assert.Contains($"class:        {protection}", stdout);
        Assert.Contains("rule:", stdout);
    }

    [Fact]
    public async Task Explain_StarBodyFile_UsesBodyRule()
    {
        using var dir = new TempDirectory("explain");
        var body = Path.Combine(dir.Path, "star.json");
        await File.WriteAllTextAsync(body, """{"_id":"demo","_rev":"3-abc","users":{"alice":true}}""");

        var (exit, stdout, _) = await RunGatewayAsync("policy", "explain", "PUT", "/demo", "--body", body);

        Assert.Equal(0, exit);
        Assert.Contains("action:       star", stdout);
        Assert.Contains("class:        none", stdout);
    }

    [Fact]
    public async Task Start_MalformedPolicyFile_RefusesWithFileRuleAndReason()
    {
        using var dir = new TempDirectory("bad-policy");
        var policy = Path.Combine(dir.Path, "route-policy.json");
        await File.WriteAllTextAsync(policy, """{"rules":[{"action":"publish","methods":["PUT"],"path":"/{package}","class":"write"}]}""");

        var (exit, _, stderr) = await RunGatewayAsync(
            new Dictionary<string, string>
            {
                ["Gateway__Upstream"] = "http://127.0.0.1:9",
                ["Gateway__PublicUrl"] = "http://localhost:8080",
                ["Gateway__PolicyFile"] = policy,
                ["Gateway__DataPath"] = dir.Path,
            },
            "--urls", $"http://127.0.0.1:{FreePort.Next()}");

        Assert.NotEqual(0, exit);
        Assert.Contains(policy, stderr);
        Assert.Contains("rules[0] 'publish'", stderr);
        Assert.Contains("\"class\" must be \"auth\", \"writes\" or \"none\", not \"write\"", stderr);
    }

    [Fact]
    public async Task Start_UpstreamNotAUrl_RefusesNamingTheKey()
    {
        using var dir = new TempDirectory("bad-upstream");
        var (exit, _, stderr) = await RunGatewayAsync(
            new Dictionary<string, string> { ["Gateway__Upstream"] = "registry.local", ["Gateway__DataPath"] = dir.Path },
            "--urls", $"http://127.0.0.1:{FreePort.Next()}");

        Assert.NotEqual(0, exit);
        Assert.Contains("Gateway:Upstream must be an absolute http(s) URL", stderr);
    }

    /// <summary>Every option set is validated at start-up: file (or variable), key and reason, no stack trace.</summary>
    [Theory]
    [InlineData("Gateway__Resilience__StoreTimeout", "00:00:00", "Gateway:Resilience:StoreTimeout must be between")]
    [InlineData("Gateway__Regulation__MaxFailures", "3", "Gateway:Regulation:MaxFailures must be above Gateway:Regulation:FreeFailures")]
    [InlineData("Gateway__Upstream", "http://nexus:8081/repository/npm-hosted/?x=1", "Gateway:Upstream must not carry a query or fragment")]
    [InlineData("Gateway__Upstream", "http://localhost:8080/repository/npm-hosted/", "Gateway:Upstream must not be the gateway itself")] // appsettings.json's PublicUrl
    [InlineData("Gateway__PublicUrl", "https://tools.example.com/npm", "Gateway:PublicUrl must have no path or a path that ends with '/'")]
    public async Task Start_InvalidOption_RefusesNamingSourceAndKey(string variable, string value, string reason)
    {
        using var dir = new TempDirectory("bad-option");
        var (exit, _, stderr) = await RunGatewayAsync(
            new Dictionary<string, string> { [variable] = value, ["Gateway__DataPath"] = dir.Path },
            "--urls", $"http://127.0.0.1:{FreePort.Next()}");

        Assert.NotEqual(0, exit);
        Assert.Contains($"environment variable {variable}: {reason}", stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    private static Task<(int, string, string)> RunGatewayAsync(params string[] args) =>
        RunGatewayAsync(new Dictionary<string, string>(), args);

    private static async Task<(int Exit, string Stdout, string Stderr)> RunGatewayAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepoPaths.Root,
        };
        start.ArgumentList.Add(RepoPaths.GatewayDll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}

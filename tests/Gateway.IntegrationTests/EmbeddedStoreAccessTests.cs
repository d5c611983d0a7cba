using System.Text.RegularExpressions;
using Gateway.IntegrationTests.Harness;
using StackExchange.Redis;

namespace Gateway.IntegrationTests;

/// <summary>
/// The embedded store listens on loopback, where any local process of any OS user can connect. An
/// attacker there must not be able to read, delete or rewrite a user's 2FA record, while the gateway
/// itself (enrolment, protected writes, restart recovery) keeps working.
/// </summary>
[Collection(ThirdRegistryCollection.Name)]
public sealed partial class EmbeddedStoreAccessTests(RegistryFixture registry)
{
    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task LocalProcess_WithoutOrWithWrongPassword_CannotTouchTwoFactorRecords_GatewayKeepsWorking()
    {
        await using var gateway = await registry.StartGatewayAsync(store: "embedded");
        var user = await gateway.EnrolAsync(await registry.CreateUserAsync("storeauth"));
        var record = $"gw:user:{user.User.Name}";

        await AssertRefusedAsync(StorePort(gateway, run: 0), record);

        using var npm = new NpmCli(gateway.RegistryUrl);
        npm.SetToken(user.Token);
        var name = RegistryFixture.UniquePackageName("storeauth");
        var folder = npm.CreatePackage(name, "1.0.0");
        var withoutCode = await npm.RunAsync(folder, "publish");
        Assert.Contains("code EOTP", withoutCode.Stderr);
        var withCode = await npm.RunAsync(folder, "publish", "--otp", await Totp.CodeAsync(user.Secret));
        Assert.True(withCode.Succeeded, withCode.ToString());

        await gateway.RestartAsync();

        await AssertRefusedAsync(StorePort(gateway, run: 1), record);
        var afterRestart = await npm.RunAsync(npm.CreatePackage(name, "1.1.0"), "publish");
        Assert.Contains("code EOTP", afterRestart.Stderr);
        var afterRestartWithCode = await npm.RunAsync(npm.CreatePackage(name, "1.1.0"), "publish", "--otp", await Totp.CodeAsync(user.Secret));
        Assert.True(afterRestartWithCode.Succeeded, afterRestartWithCode.ToString());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(gateway.DataPath, "store-access")));
        Assert.DoesNotContain(File.ReadAllLines(Path.Combine(gateway.DataPath, "store-access"))
            .Single(l => l.StartsWith("password=", StringComparison.Ordinal))["password=".Length..], gateway.Output.Text, StringComparison.Ordinal);
    }

    private static async Task AssertRefusedAsync(int port, string record)
    {
        var anonymous = await RespProbe.SendAsync(port,
            ["EXISTS", record], ["HGETALL", record], ["DEL", record], ["HSET", record, "mode", "disabled"], ["KEYS", "gw:*"],
            ["EVAL", "return redis.call('DEL', KEYS[1])", "1", record], ["FLUSHALL"]);
        Assert.All(anonymous, reply => Assert.StartsWith("-NOAUTH", reply));

        var guessed = await RespProbe.SendAsync(port, ["AUTH", "guess"], ["AUTH", "default", ""], ["DEL", record]);
        Assert.StartsWith("-WRONGPASS", guessed[0]);
        Assert.StartsWith("-WRONGPASS", guessed[1]);
        Assert.StartsWith("-NOAUTH", guessed[2]);

        var options = ConfigurationOptions.Parse($"127.0.0.1:{port},password=guess,abortConnect=true,connectTimeout=2000");
        await Assert.ThrowsAnyAsync<RedisException>(async () =>
        {
            await using var client = await ConnectionMultiplexer.ConnectAsync(options);
            await client.GetDatabase().KeyDeleteAsync(record);
        });
    }

    /// <summary>The port the gateway logged for its <paramref name="run"/>-th start (0 = first).</summary>
    private static int StorePort(GatewayProcess gateway, int run)
    {
        var ports = gateway.Output.Lines.Select(l => ListeningLine().Match(l)).Where(m => m.Success).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.True(ports.Count > run, "No 'Embedded store listening' line for start " + run + ":\n" + gateway.Output.Tail(60));
        return ports[run];
    }

    [GeneratedRegex(@"Embedded store listening on 127\.0\.0\.1:(\d+)")]
    private static partial Regex ListeningLine();
}

using System.Text.Json.Nodes;
using Xunit;

namespace Gateway.Testing;

/// <summary>npm commands tests run as steps that must succeed (failing the test with npm's output otherwise).</summary>
public static class NpmCliSteps
{
    public static async Task SucceedsAsync(this NpmCli npm, string cwd, params string[] args)
    {
        var result = await npm.RunAsync(cwd, args);
        Assert.True(result.Succeeded, result.ToString());
    }

    /// <summary><c>npm token create --json</c> with the user's password and a fresh code; the new token.</summary>
    public static async Task<string> CreateTokenAsync(this NpmCli npm, TwoFactorUser user, params string[] options)
    {
        var result = await npm.RunAsync(npm.NewFolder("token"), ["token", "create", "--json", "--password", user.Password, "--otp", await Totp.CodeAsync(user.Secret), .. options]);
        Assert.True(result.Succeeded, result.ToString());
        return JsonNode.Parse(result.Stdout)!["token"]!.GetValue<string>();
    }
}

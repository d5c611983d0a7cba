using Gateway.Browser;
using Gateway.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;

namespace Gateway.Tests.Browser;

/// <summary>The pages' script and stylesheet: files in Browser/Assets/, embedded in the assembly, served at their URLs.</summary>
public sealed class AssetsTests
{
    [Theory]
    [InlineData(GatewayUrls.Script, "gateway.js", "text/javascript; charset=utf-8")]
    [InlineData(GatewayUrls.Style, "gateway.css", "text/css; charset=utf-8")]
    public async Task Asset_IsServedFromTheAssembly_AsTheFileSays(string url, string file, string contentType)
    {
        await using var app = await StartAsync();
        using var client = app.GetTestClient();

        using var response = await client.GetAsync(url);

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType?.ToString());
        var onDisk = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "src", "Gateway", "Browser", "Assets", file));
        Assert.Equal(onDisk, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The script is a plain file: the JSON URLs it calls are spelled there, and must be GatewayUrls' own.</summary>
    [Theory]
    [InlineData(GatewayUrls.AssertionOptions)]
    [InlineData(GatewayUrls.KeyOptions)]
    public void Script_CallsTheGatewaysCeremonyUrls(string url) =>
        Assert.Contains($"postJson(at(\"{url}\")", Assets.Read(Assets.ScriptResource), StringComparison.Ordinal);

    [Fact]
    public void Read_UnknownAsset_SaysItIsNotEmbedded() =>
        Assert.Contains("not embedded", Assert.Throws<InvalidOperationException>(() => Assets.Read("Gateway.Browser.Assets.none.js")).Message, StringComparison.Ordinal);

    private static async Task<WebApplication> StartAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        var app = builder.Build();
        app.MapGatewayAssets();
        await app.StartAsync();
        return app;
    }
}

using Gateway.ClientMatrixTests.Clients;
using Gateway.ClientMatrixTests.Infrastructure;

namespace Gateway.ClientMatrixTests;

/// <summary>
/// A client waiting for an approval that never comes: when the flow expires, its next poll of <c>doneUrl</c>
/// gets a final answer (410 with a JSON error saying the approval expired), and the client stops with that
/// message (docs/PROTOCOL.md#41-web-otp). Its own gateway: expiring flows must not touch other cells.
/// </summary>
public sealed class ExpiredApprovalTests : MatrixTest, IAsyncLifetime
{
    private GatewayProcess? _gateway;

    async Task IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();
        _gateway = await GatewayProcess.StartAsync(Verdaccio.Url, "embedded", MatrixWorld.GatewaySettings, host: "localhost");
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        if (_gateway is not null)
        {
            await _gateway.DisposeAsync();
        }
    }

    private GatewayProcess OwnGateway => _gateway ?? throw new InvalidOperationException("Not initialised.");

    /// <summary>Bun without a terminal takes the web flow and waits; before the fix it waited out the flow and then said the package did not exist.</summary>
    [Fact]
    public async Task Publish_NoCodeNoTerminal_bun()
    {
        var user = await OwnGateway.EnrolAsync(await World.NewUserAsync("bun"));
        var session = ClientSession.Create(Matrix.Get("bun"), OwnGateway.RegistryUrl, user.Token);
        using var _ = session;
        var name = UniquePackageName("bun", "expired");
        var folder = await session.CreatePackageAsync(name);

        var publish = session.RunAsync(folder, session.Client.Publish(null));
        await Wait.UntilAsync("bun's approval flow", async () => await OwnGateway.FlowCountAsync() > 0, () => publish.IsCompleted, () => OwnGateway.Output.Tail(), TimeSpan.FromSeconds(30));
        Assert.False(publish.IsCompleted, "bun must wait for the approval");
        Assert.True(await OwnGateway.ExpireAllFlowsAsync() > 0);
        var result = await publish;

        Assert.False(result.Succeeded, result.ToString());
        var printed = result.Stdout + result.Stderr;
        Assert.True(printed.Contains("The approval expired", StringComparison.Ordinal), result.ToString());
        Assert.False(printed.Contains("does not exist", StringComparison.OrdinalIgnoreCase), result.ToString());
        Assert.Null(await Verdaccio.GetPackumentAsync(name));
    }

    /// <summary>npm in a terminal polls too; an expired approval ends it with the same message.</summary>
    [Fact]
    public async Task WebPublish_ApprovalExpired_npm11()
    {
        var user = await OwnGateway.EnrolAsync(await World.NewUserAsync("npm11"));
        var session = ClientSession.Create(Matrix.Get("npm11"), OwnGateway.RegistryUrl, user.Token);
        using var _ = session;
        var name = UniquePackageName("npm11", "expired");
        var folder = await session.CreatePackageAsync(name);

        await using var pty = session.StartInPty(folder, session.Client.Publish(null), classicPrompt: false, new PtyStep.ApprovalUrl());
        await pty.WaitForUrlAsync();
        Assert.True(await OwnGateway.ExpireAllFlowsAsync() > 0);
        var result = await pty.WaitForExitAsync();

        Assert.False(result.Succeeded, result.ToString());
        Assert.True(result.Text.Contains("The approval expired", StringComparison.Ordinal), result.ToString());
        Assert.Null(await Verdaccio.GetPackumentAsync(name));
    }
}

using Gateway.ClientMatrixTests.Clients;
using Gateway.ClientMatrixTests.Infrastructure;

namespace Gateway.ClientMatrixTests;

/// <summary>dist-tag add: refused without a code (no terminal), applied with one.</summary>
public sealed class DistTagCells : MatrixTest
{
    public static TheoryData<string> Clients => Matrix.Where(c => c.DistTagAdd("p", "1.0.0", "t", "000000") is not null);

    [Theory]
    [MemberData(nameof(Clients))]
    public async Task DistTag_WithCode(string client)
    {
        var (user, session) = await TwoFactorClientAsync(client);
        var name = UniquePackageName(client, "tag");
        await SeedAsync(user.User, name, "1.0.0");
        var folder = session.Home.NewFolder("tag");

        var refused = await session.RunAsync(folder, session.Client.DistTagAdd(name, "1.0.0", "beta", null)!);
        Assert.False(refused.Succeeded, refused.ToString());
        Assert.Null((await Verdaccio.GetPackumentAsync(name))?["dist-tags"]?["beta"]);

        var result = await session.RunAsync(folder, session.Client.DistTagAdd(name, "1.0.0", "beta", await CodeAsync(user))!);

        AssertSucceeded(result);
        Assert.Equal("1.0.0", (await Verdaccio.GetPackumentAsync(name))?["dist-tags"]?["beta"]?.GetValue<string>());
    }

    /// <summary>Yarn 4's <c>npm tag add</c> has no <c>--otp</c>: the code is typed at its prompt.</summary>
    [Fact]
    public async Task DistTag_AtPrompt_yarn4()
    {
        var (user, session) = await TwoFactorClientAsync("yarn4");
        var name = UniquePackageName("yarn4", "tag");
        await SeedAsync(user.User, name, "1.0.0");
        var folder = await session.CreatePackageAsync(UniquePackageName("yarn4", "project"));

        await using var pty = session.StartInPty(folder, session.Client.DistTagAdd(name, "1.0.0", "beta", null)!, classicPrompt: true,
            new PtyStep.Answer(session.Client.OtpPrompt!, await CodeAsync(user)));
        var result = await pty.WaitForExitAsync();

        AssertSucceeded(result);
        Assert.Equal("1.0.0", (await Verdaccio.GetPackumentAsync(name))?["dist-tags"]?["beta"]?.GetValue<string>());
    }
}

/// <summary>deprecate with a code.</summary>
public sealed class DeprecateCells : MatrixTest
{
    public static TheoryData<string> Clients => Matrix.Where(c => c.Deprecate("p", "1.0.0", "m", "000000") is not null);

    [Theory]
    [MemberData(nameof(Clients))]
    public async Task Deprecate_WithCode(string client)
    {
        var (user, session) = await TwoFactorClientAsync(client);
        var name = UniquePackageName(client, "deprecate");
        await SeedAsync(user.User, name, "1.0.0");
        var folder = session.Home.NewFolder("deprecate");

        var refused = await session.RunAsync(folder, session.Client.Deprecate(name, "1.0.0", "use something else", null)!);
        Assert.False(refused.Succeeded, refused.ToString());

        var result = await session.RunAsync(folder, session.Client.Deprecate(name, "1.0.0", "use something else", await CodeAsync(user))!);

        AssertSucceeded(result);
        Assert.Equal("use something else", (await Verdaccio.GetPackumentAsync(name))?["versions"]?["1.0.0"]?["deprecated"]?.GetValue<string>());
    }
}

/// <summary>Unpublish of one version with a code: that version goes, the other stays.</summary>
public sealed class UnpublishCells : MatrixTest
{
    public static TheoryData<string> Clients => Matrix.Where(c => c.Unpublish("p", "1.0.0", "000000") is not null);

    [Theory]
    [MemberData(nameof(Clients))]
    public async Task Unpublish_WithCode(string client)
    {
        var (user, session) = await TwoFactorClientAsync(client);
        var name = UniquePackageName(client, "unpublish");
        await SeedAsync(user.User, name, "1.0.0", "1.1.0");
        var folder = session.Home.NewFolder("unpublish");

        var refused = await session.RunAsync(folder, session.Client.Unpublish(name, "1.1.0", null)!);
        Assert.False(refused.Succeeded, refused.ToString());

        var result = await session.RunAsync(folder, session.Client.Unpublish(name, "1.1.0", await CodeAsync(user))!);

        AssertSucceeded(result);
        var versions = (await Verdaccio.GetPackumentAsync(name))?["versions"]?.AsObject();
        Assert.NotNull(versions);
        Assert.Equal(["1.0.0"], versions.Select(v => v.Key).ToArray());
    }
}

/// <summary>
/// owner add: challenged without a code; with one the gateway accepts it and forwards the request. Verdaccio
/// 6.8 then refuses the maintainers document the clients build (docs/PROTOCOL.md#81-route-by-route), so the
/// cell asserts the gateway's decision and that the client did not report a missing code.
/// </summary>
public sealed class OwnerCells : MatrixTest
{
    public static TheoryData<string> Clients => Matrix.Where(c => c.OwnerAdd("u", "p", "000000") is not null);

    [Theory]
    [MemberData(nameof(Clients))]
    public async Task Owner_WithCode(string client)
    {
        var (user, session) = await TwoFactorClientAsync(client);
        var other = await World.NewUserAsync("owner");
        var name = UniquePackageName(client, "owner");
        await SeedAsync(user.User, name, "1.0.0");
        var folder = session.Home.NewFolder("owner");

        var refused = await session.RunAsync(folder, session.Client.OwnerAdd(other.Name, name, null)!);
        AssertRefusedForMissingCode(refused);
        Assert.True(await Gateway.Output.WaitForLineAsync($"Second factor refused (Missing) for PUT owner of {name} by user {user.Name}"), Gateway.Output.Tail());

        var result = await session.RunAsync(folder, session.Client.OwnerAdd(other.Name, name, await CodeAsync(user))!);

        Assert.True(await Gateway.Output.WaitForLineAsync($"Second factor accepted (totp) for owner of {name} by user {user.Name}"), result + "\n" + Gateway.Output.Tail());
        Assert.DoesNotContain("one-time pass", result.Stdout + result.Stderr, StringComparison.OrdinalIgnoreCase);
    }
}

/// <summary>token create: the client asks for the password in a terminal; the code is given on the command line.</summary>
public sealed class TokenCreateCells : MatrixTest
{
    public static TheoryData<string> Clients => Matrix.Where(c => c.TokenCreate("000000") is not null);

    [Theory]
    [MemberData(nameof(Clients))]
    public async Task TokenCreate_WithCode(string client)
    {
        var (user, session) = await TwoFactorClientAsync(client);
        var folder = session.Home.NewFolder("token");
        var before = await Verdaccio.TokenCountAsync(user.Token);

        await using var pty = session.StartInPty(folder, session.Client.TokenCreate(await CodeAsync(user))!, classicPrompt: true,
            new PtyStep.Answer("assword:", user.Password));
        var result = await pty.WaitForExitAsync();

        AssertSucceeded(result);
        Assert.Equal(before + 1, await Verdaccio.TokenCountAsync(user.Token));
    }
}

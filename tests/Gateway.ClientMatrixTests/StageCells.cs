using Gateway.ClientMatrixTests.Clients;
using Gateway.ClientMatrixTests.Infrastructure;

namespace Gateway.ClientMatrixTests;

/// <summary>
/// Staged publishing (README, "Staged publishing"), the gateway answering npm's stage API in front of Verdaccio 6.8:
/// CI stages without a code and without a terminal; the stages are listed; approving without a code is refused; one
/// code then rejects one stage and approves two — in one command where the client takes several ids (pnpm 12), else
/// one command each with the same code, which the gateway accepts because an accepted code is bound to the credential
/// that used it for its window (docs/PROTOCOL.md#23-retries). npm 11.21 does all of it, with <c>view</c> and
/// <c>download</c>, in the integration test (<c>StagedPublishingTests</c>); npm 12.2.1's <c>lib/commands/stage/*.js</c> are
/// npm 11.21.2's, byte for byte, so npm 12 (its own Node 22 and HTTP stack) only stages and approves here.
/// </summary>
public sealed class StageCells : MatrixTest
{
    public static TheoryData<string> Clients => Matrix.Where(c => c.StagePublish is not null && c is not NpmClient);

    [Fact]
    public async Task Stage_ApprovedWithCode_npm12()
    {
        var (user, session) = await TwoFactorClientAsync("npm12");
        var name = UniquePackageName("npm12", "staged");
        var folder = await session.CreatePackageAsync(name);
        var staged = await session.RunAsync(folder, session.Client.StagePublish!);
        AssertSucceeded(staged);
        Assert.Null(await Verdaccio.GetPackumentAsync(name));

        var approved = await session.RunAsync(folder, session.Client.StageApprove([StageIds.Of(staged)], await CodeAsync(user))!);

        AssertSucceeded(approved);
        Assert.NotNull((await Verdaccio.GetPackumentAsync(name))?["versions"]?["1.0.0"]);
    }

    [Theory]
    [MemberData(nameof(Clients))]
    public async Task Stage_NoCode_Listed_ApproveRefusedWithoutCode_OneCodeRejectsOneApprovesTwo(string client)
    {
        var (user, session) = await TwoFactorClientAsync(client);
        var name = UniquePackageName(client, "staged");
        var folder = await session.CreatePackageAsync(name);
        var ids = new List<string>();
        foreach (var version in new[] { "1.0.0", "1.1.0", "1.2.0" })
        {
            ClientHome.WritePackage(folder, name, version);
            var staged = await session.RunAsync(folder, session.Client.StagePublish!);
            AssertSucceeded(staged);
            ids.Add(StageIds.Of(staged));
        }

        Assert.Null(await Verdaccio.GetPackumentAsync(name));
        var listed = await session.RunAsync(folder, session.Client.StageList!);
        AssertSucceeded(listed);
        Assert.All(ids, id => Assert.Contains(id, listed.Stdout, StringComparison.Ordinal));

        AssertRefusedForMissingCode(await session.RunAsync(folder, session.Client.StageApprove([ids[0]], null)!));
        Assert.Null(await Verdaccio.GetPackumentAsync(name));

        var code = await CodeAsync(user);
        AssertSucceeded(await session.RunAsync(folder, session.Client.StageReject(ids[2], code)!));
        if (session.Client.StageApprove([ids[0], ids[1]], code) is { } approveBoth)
        {
            AssertSucceeded(await session.RunAsync(folder, approveBoth));
        }
        else
        {
            AssertSucceeded(await session.RunAsync(folder, session.Client.StageApprove([ids[0]], code)!));
            AssertSucceeded(await session.RunAsync(folder, session.Client.StageApprove([ids[1]], code)!));
        }

        var versions = (await Verdaccio.GetPackumentAsync(name))?["versions"]?.AsObject();
        Assert.NotNull(versions);
        Assert.Equal(["1.0.0", "1.1.0"], versions.Select(v => v.Key).Order().ToArray());
        var left = await Gateway.SendAsync(HttpMethod.Get, "/-/stage?page=0&perPage=100&package=" + name, user.Token);
        Assert.Equal(0, left.Json?["total"]?.GetValue<int>());
    }
}

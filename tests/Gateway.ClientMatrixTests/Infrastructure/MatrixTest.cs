using System.Net.Http.Headers;
using System.Net.Http.Json;
using Gateway.ClientMatrixTests.Clients;

namespace Gateway.ClientMatrixTests.Infrastructure;

/// <summary>
/// A cell of the client matrix: one client, one command, against the shared <see cref="MatrixWorld"/>. Each
/// cell has its own 2FA user (so codes, flows and lock-outs of one cell never touch another) and its own
/// client home. Registry effects are read from Verdaccio directly, never through the gateway.
/// </summary>
public abstract class MatrixTest : IAsyncLifetime
{
    private readonly List<IDisposable> _disposables = [];
    private MatrixWorld? _world;

    private protected MatrixWorld World => _world ?? throw new InvalidOperationException("Not initialised.");

    private protected VerdaccioProcess Verdaccio => World.Verdaccio;

    private protected GatewayProcess Gateway => World.Gateway;

    /// <summary>The Verdaccio line behind the gateway: 6.8 for the matrix, 9 for its publish/login subset (<see cref="Verdaccio9PublishCells"/>).</summary>
    private protected virtual VerdaccioVersion Registry => VerdaccioVersion.V6;

    public async Task InitializeAsync() => _world = await MatrixWorld.GetAsync(Registry);

    public Task DisposeAsync()
    {
        foreach (var disposable in _disposables)
        {
            disposable.Dispose();
        }

        return Task.CompletedTask;
    }

    /// <summary>A fresh user in auth-and-writes (authenticator app) and <paramref name="clientId"/> logged in as them.</summary>
    private protected async Task<(TwoFactorUser User, ClientSession Session)> TwoFactorClientAsync(string clientId)
    {
        var user = await World.NewTwoFactorUserAsync(clientId);
        return (user, Session(clientId, user.Token));
    }

    /// <param name="registryUrl">The gateway's (default), or the registry's own for a cell that shows what a client does without the gateway.</param>
    private protected ClientSession Session(string clientId, string? token, string? registryUrl = null)
    {
        var session = ClientSession.Create(Matrix.Get(clientId), registryUrl ?? World.RegistryUrl, token);
        _disposables.Add(session);
        return session;
    }

    private protected static string UniquePackageName(string clientId, string stem) => $"{clientId}-{stem}-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>Publishes <paramref name="versions"/> of a package as <paramref name="user"/> straight to Verdaccio (set-up, not under test).</summary>
    private protected async Task SeedAsync(RegistryUser user, string name, params string[] versions)
    {
        foreach (var version in versions)
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, VerdaccioProcess.EncodeName(name))
            {
                Content = JsonContent.Create(PublishDocuments.Create(name, version)),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", user.Token);
            using var response = await Verdaccio.Http.SendAsync(request);
            Assert.True(response.IsSuccessStatusCode, $"seeding {name}@{version}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>A code of <paramref name="user"/>'s authenticator, away from the end of its 30 s step.</summary>
    private protected static Task<string> CodeAsync(TwoFactorUser user) => Totp.CodeAsync(user.Secret);

    private protected static void AssertSucceeded(NpmResult result) => Assert.True(result.Succeeded, result.ToString());

    private protected static void AssertSucceeded(PtyResult result) => Assert.True(result.Succeeded, result.ToString());

    /// <summary>The command failed and told the user a one-time password (or <c>--otp</c>) is what is missing.</summary>
    private protected static void AssertRefusedForMissingCode(NpmResult result)
    {
        Assert.False(result.Succeeded, result.ToString());
        var text = result.Stdout + result.Stderr;
        Assert.True(
            text.Contains("one-time pass", StringComparison.OrdinalIgnoreCase) || text.Contains("--otp", StringComparison.Ordinal),
            "the client's message names neither the one-time password nor --otp:\n" + result);
    }
}

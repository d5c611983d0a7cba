using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Gateway.Testing;

/// <summary>The Verdaccio lines the tests run: 6.8 (tests/registry, on the system Node) and 9 (tests/registry9, on the
/// Node 24 pinned beside it).</summary>
public enum VerdaccioVersion
{
    V6,
    V9,
}

/// <summary>A real, unmodified Verdaccio (tests/registry or tests/registry9, pinned in their package-lock.json) on a free
/// loopback port with storage and htpasswd in a temp folder and no uplinks, so nothing leaves the machine.</summary>
public sealed class VerdaccioProcess : IAsyncDisposable
{
    private readonly TempDirectory _dir;
    private readonly ChildProcess _process;
    private readonly SemaphoreSlim _signUpGate = new(1, 1);
    private int _userCounter;

    private VerdaccioProcess(TempDirectory dir, ChildProcess process, int port)
    {
        _dir = dir;
        _process = process;
        Port = port;
        Url = $"http://127.0.0.1:{port}";
        Http = new HttpClient { BaseAddress = new Uri(Url + "/"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public int Port { get; }

    /// <summary>Base URL without trailing slash.</summary>
    public string Url { get; }

    /// <summary>A client that talks to Verdaccio directly (bypassing the gateway), for assertions.</summary>
    public HttpClient Http { get; }

    public OutputBuffer Output => _process.Output;

    public int ProcessId => _process.Id;

    public string StoragePath => _dir.Combine("storage");

    /// <summary>The account names in the registry's htpasswd file (none before the first sign-up).</summary>
    public IReadOnlyList<string> AccountNames() =>
        File.Exists(_dir.Combine("htpasswd"))
            ? File.ReadAllLines(_dir.Combine("htpasswd")).Where(l => l.Contains(':')).Select(l => l[..l.IndexOf(':')]).ToList()
            : [];

    /// <param name="extraConfig">YAML appended to the test configuration (e.g. <c>server: {trustProxy: loopback}</c>).</param>
    /// <param name="userRateLimit">Requests per window Verdaccio's per-address limiter allows on each login, profile and token route.</param>
    /// <param name="rateWindowMs">That limiter's window (Verdaccio's own default: 1,000 requests per 900,000 ms).</param>
    /// <param name="version">Which line: the same configuration serves both (tests/Gateway.IntegrationTests/Harness/README.md).</param>
    public static async Task<VerdaccioProcess> StartAsync(
        string extraConfig = "", int userRateLimit = 1_000_000, int rateWindowMs = 60_000, VerdaccioVersion version = VerdaccioVersion.V6)
    {
        var (node, bin, folder) = version == VerdaccioVersion.V9
            ? (RepoPaths.Node24, RepoPaths.Verdaccio9Bin, "tests/registry9")
            : ("node", RepoPaths.VerdaccioBin, "tests/registry");
        if (!File.Exists(bin) || (version == VerdaccioVersion.V9 && !File.Exists(node)))
        {
            throw new InvalidOperationException(
                $"Verdaccio is not installed at {bin}: run `npm ci --prefix {folder}` (scripts/test.sh does).");
        }

        var dir = new TempDirectory("verdaccio");
        var port = FreePort.Next();
        var config = dir.Combine("config.yaml");
        await File.WriteAllTextAsync(config, ConfigYaml(dir, port, userRateLimit, rateWindowMs) + "\n" + extraConfig);

        var env = new Dictionary<string, string?>
        {
            // Both would change how Verdaccio builds tarball URLs; the tests rely on its default (Host header).
            ["VERDACCIO_PUBLIC_URL"] = null,
            ["VERDACCIO_FORWARDED_PROTO"] = null,
        };
        var process = ChildProcess.Start(node, [bin, "--config", config], dir.Path, env);
        var verdaccio = new VerdaccioProcess(dir, process, port);
        try
        {
            await Wait.UntilAsync(
                "verdaccio",
                async () => (await verdaccio.Http.GetAsync("-/ping")).IsSuccessStatusCode,
                () => process.HasExited,
                () => process.Output.Tail(),
                TimeSpan.FromSeconds(60));
        }
        catch
        {
            await verdaccio.DisposeAsync();
            throw;
        }

        return verdaccio;
    }

    /// <summary>
    /// The bcrypt cost of the registry's password hashes: 4 unless <c>VERDACCIO_BCRYPT_ROUNDS</c> says otherwise.
    /// Verdaccio's default, 10, costs about 80 ms of CPU per sign-up and per Basic check in its pure-JS bcrypt, and the
    /// suite makes thousands of both on a 2-core machine; what the tests check does not depend on the cost, except the
    /// wrong-password timing figures, whose script (scripts/signin-timing.sh) sets 10.
    /// </summary>
    private static int BcryptRounds =>
        int.TryParse(Environment.GetEnvironmentVariable("VERDACCIO_BCRYPT_ROUNDS"), System.Globalization.CultureInfo.InvariantCulture, out var rounds) ? rounds : 4;

    // YAML strings are single-quoted; temp paths contain no quotes.
    private static string ConfigYaml(TempDirectory dir, int port, int userRateLimit, int rateWindowMs) => $$"""
        storage: '{{dir.Combine("storage")}}'
        auth:
          htpasswd:
            file: '{{dir.Combine("htpasswd")}}'
            max_users: 1000
            rounds: {{BcryptRounds}}
        # The default (1000 per 15 min on login/profile/token routes) is too low for a test run.
        userRateLimit:
          windowMs: {{rateWindowMs}}
          max: {{userRateLimit}}
        uplinks: {}
        packages:
          '@*/*':
            access: $all
            publish: $authenticated
            unpublish: $authenticated
          '**':
            access: $all
            publish: $authenticated
            unpublish: $authenticated
        log: {type: stdout, level: warn}
        listen: 127.0.0.1:{{port}}
        """;

    /// <summary>A user with a name nobody else in this run has (<paramref name="stem"/>, a counter, random letters) and a random password.</summary>
    public Task<RegistryUser> CreateUniqueUserAsync(string stem)
    {
        var n = Interlocked.Increment(ref _userCounter);
        return CreateUserAsync($"{stem}{n}-{Guid.NewGuid().ToString("N")[..6]}", "pw-" + Guid.NewGuid().ToString("N"));
    }

    /// <summary>Creates a user the way <c>npm adduser</c> does (CouchDB login) and returns its token.</summary>
    public async Task<RegistryUser> CreateUserAsync(string name, string password)
    {
        // One at a time: Verdaccio's htpasswd plugin refuses (403) a sign-up while it is writing another.
        await _signUpGate.WaitAsync();
        try
        {
            return await SignUpAsync(name, password);
        }
        finally
        {
            _signUpGate.Release();
        }
    }

    private async Task<RegistryUser> SignUpAsync(string name, string password)
    {
        var body = new
        {
            _id = $"org.couchdb.user:{name}",
            name,
            password,
            type = "user",
            roles = Array.Empty<string>(),
            date = DateTime.UtcNow.ToString("o"),
        };
        using var response = await Http.PutAsJsonAsync($"-/user/org.couchdb.user:{Uri.EscapeDataString(name)}", body);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Creating user {name} failed: {(int)response.StatusCode} {text}");
        }

        var token = JsonNode.Parse(text)?["token"]?.GetValue<string>()
            ?? throw new InvalidOperationException($"No token in login response: {text}");
        return new RegistryUser(name, password, token);
    }

    /// <summary>
    /// Logs an existing user in again, straight at Verdaccio (the Basic-authenticated couch login of
    /// docs/PROTOCOL.md#51-the-three-requests): a second, different token for the same user, as a second machine would have.
    /// Verdaccio 6 only: Verdaccio 9 refuses Basic credentials.
    /// </summary>
    public async Task<string> LoginAsync(RegistryUser user)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"-/user/org.couchdb.user:{Uri.EscapeDataString(user.Name)}")
        {
            Content = JsonContent.Create(new { name = user.Name, password = user.Password, type = "user", roles = Array.Empty<string>() }),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{user.Name}:{user.Password}")));
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Logging in {user.Name} failed: {(int)response.StatusCode} {text}");
        }

        var token = JsonNode.Parse(text)?["token"]?.GetValue<string>()
            ?? throw new InvalidOperationException($"No token in login response: {text}");
        return token != user.Token ? token : throw new InvalidOperationException("Verdaccio returned the same token again.");
    }

    /// <summary>The full packument straight from Verdaccio, or null when the package does not exist.</summary>
    public async Task<JsonNode?> GetPackumentAsync(string packageName)
    {
        using var response = await Http.GetAsync(EncodeName(packageName));
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync());
    }

    /// <summary>Status of a GET straight to Verdaccio (e.g. for a tarball).</summary>
    public async Task<HttpStatusCode> GetStatusAsync(string path)
    {
        using var response = await Http.GetAsync(path.TrimStart('/'));
        return response.StatusCode;
    }

    /// <summary><c>@scope/name</c> → <c>@scope%2fname</c>, as npm sends it.</summary>
    public static string EncodeName(string packageName) => packageName.Replace("/", "%2f", StringComparison.Ordinal);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        _process.Dispose();
        _dir.Dispose();
        _signUpGate.Dispose();
        await Task.CompletedTask;
    }
}

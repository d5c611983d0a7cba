
namespace Gateway.ClientMatrixTests.Clients;

/// <summary>
/// One pinned client of the matrix (tests/clients/&lt;Id&gt;, installed by scripts/test.sh with <c>npm ci</c>): how
/// to start it, how it is told the registry and token, and the arguments of each command it has. A command
/// builder returning null means the client has no such command (the matrix leaves the cell empty).
/// </summary>
internal abstract class MatrixClient
{
    /// <summary>The folder under tests/clients and the name the matrix and README use.</summary>
    public abstract string Id { get; }

    /// <summary>Name and pinned version, e.g. <c>npm 9.9.4</c>.</summary>
    public abstract string Label { get; }

    /// <summary>The executable and any fixed leading arguments.</summary>
    public abstract IReadOnlyList<string> Executable { get; }

    /// <summary>Text the client's classic one-time-password prompt ends with (null: it never prompts).</summary>
    public virtual string? OtpPrompt => null;

    /// <summary>True when, in a terminal, the client follows the gateway's web flow (authUrl/doneUrl).</summary>
    public virtual bool FollowsWebFlow => false;

    /// <summary>True when, without a terminal, the client still follows the web flow and waits for an approval.</summary>
    public virtual bool WaitsForApprovalWithoutTerminal => false;

    /// <summary>Arguments that make the client use its classic prompt rather than the web flow (npm-based clients: <c>auth-type=legacy</c> in the environment).</summary>
    public virtual IReadOnlyList<string> ClassicPromptArguments => [];

    protected string InstallFolder => Path.Combine(RepoPaths.Root, "tests", "clients", Id);

    protected string Bin(string name) => Path.Combine(InstallFolder, "node_modules", ".bin", name);

    /// <summary>Folders put first on PATH (the client's own node or npm).</summary>
    public virtual IEnumerable<string> PathFolders => [];

    /// <summary>Writes the client's registry and credential settings into <paramref name="home"/>.</summary>
    public virtual void Configure(ClientHome home) =>
        File.WriteAllText(home.Combine("home", ".npmrc"), $"registry={home.RegistryUrl}\n" + (home.Token is null ? "" : $"{home.NerfDart}:_authToken={home.Token}\n"));

    /// <summary>Settings the client reads from the environment (caches inside the home, no update checks).</summary>
    public virtual void Environment(IDictionary<string, string?> environment, ClientHome home, bool classicPrompt)
    {
        environment["npm_config_cache"] = home.Combine("cache");
        environment["npm_config_globalconfig"] = home.Combine("global-npmrc");
        environment["npm_config_update_notifier"] = "false";
        environment["npm_config_audit"] = "false";
        environment["npm_config_fund"] = "false";
        environment["npm_config_browser"] = "false";
        if (classicPrompt)
        {
            environment["npm_config_auth_type"] = "legacy";
        }
    }

    /// <summary>What a package folder needs before the client can publish from it.</summary>
    public virtual Task PreparePackageAsync(ClientSession session, string folder) => Task.CompletedTask;

    public abstract string[] Publish(string? otp);

    public virtual string[]? PublishAll(string? otp) => null;

    public virtual string[]? DistTagAdd(string package, string version, string tag, string? otp) => null;

    public virtual string[]? Deprecate(string package, string version, string message, string? otp) => null;

    public virtual string[]? Unpublish(string package, string version, string? otp) => null;

    public virtual string[]? OwnerAdd(string user, string package, string? otp) => null;

    /// <summary>Token creation; the client asks for the password (answered in a pseudo-terminal).</summary>
    public virtual string[]? TokenCreate(string? otp) => null;

    /// <summary>Login with username and password, then the code at the client's prompt.</summary>
    public virtual string[]? ClassicLogin => null;

    /// <summary>Login in the browser (the gateway's <c>loginUrl</c>), the client polling for the token.</summary>
    public virtual string[]? WebLogin => null;

    /// <summary>Asks the registry who the stored credential belongs to.</summary>
    public virtual string[]? Whoami => null;

    /// <summary>Stages the package of the working folder (npm's stage API, docs/PROTOCOL.md); never asks for a code.</summary>
    public virtual string[]? StagePublish => null;

    /// <summary>Lists the stages the credential may see; prints their ids.</summary>
    public virtual string[]? StageList => null;

    /// <summary>Approves the stages <paramref name="ids"/> in one command; null when the client takes one id per command.</summary>
    public virtual string[]? StageApprove(IReadOnlyList<string> ids, string? otp) => null;

    public virtual string[]? StageReject(string id, string? otp) => null;

    public override string ToString() => Id;

    protected static string[] WithOtp(string? otp, params string[] args) => otp is null ? args : [.. args, "--otp", otp];
}

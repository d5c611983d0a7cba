namespace Gateway.ClientMatrixTests.Clients;

/// <summary>
/// Yarn 4 (<c>@yarnpkg/cli-dist</c>, run with node): registry and token from the home's .yarnrc.yml, which
/// must allow plain http to the gateway (<c>unsafeHttpWhitelist</c>); a package must be installed (lockfile)
/// before it can be published.
/// </summary>
internal sealed class Yarn4Client : MatrixClient
{
    public override string Id => "yarn4";

    public override string Label => "Yarn 4.18.1";

    public override IReadOnlyList<string> Executable => ["node", Path.Combine(InstallFolder, "node_modules", "@yarnpkg", "cli-dist", "bin", "yarn.js")];

    public override string? OtpPrompt => "One-time password:";

    public override void Configure(ClientHome home)
    {
        base.Configure(home);
        // No npmAuthToken at all when logged out: Yarn exchanges a CI id token only when no credential is configured.
        var token = home.Token is null ? "" : $"npmAuthToken: \"{home.Token}\"";
        File.WriteAllText(home.Combine("home", ".yarnrc.yml"), $"""
            npmRegistryServer: "{home.RegistryUrl.TrimEnd('/')}"
            {token}
            unsafeHttpWhitelist: ["127.0.0.1", "localhost"]
            enableTelemetry: false
            nodeLinker: node-modules
            """);
    }

    public override void Environment(IDictionary<string, string?> environment, ClientHome home, bool classicPrompt)
    {
        base.Environment(environment, home, classicPrompt);
        environment["YARN_ENABLE_IMMUTABLE_INSTALLS"] = "false";
        environment["YARN_CACHE_FOLDER"] = home.Combine("cache", "yarn");
        environment["YARN_GLOBAL_FOLDER"] = home.Combine("cache", "yarn-global");
    }

    public override async Task PreparePackageAsync(ClientSession session, string folder)
    {
        var install = await session.RunAsync(folder, "install");
        Assert.True(install.Succeeded, install.ToString());
    }

    public override string[] Publish(string? otp) => WithOtp(otp, "npm", "publish");

    public override string[]? DistTagAdd(string package, string version, string tag, string? otp) =>
        otp is null ? ["npm", "tag", "add", $"{package}@{version}", tag] : null; // no --otp flag: the prompt only

    /// <summary>Yarn retries a challenged POST with a code (the prompt, or a failure without a terminal): staging must never be challenged.</summary>
    public override string[]? StagePublish => ["npm", "publish", "--staged"];

    public override string[]? StageList => ["npm", "stage", "list"];

    public override string[]? StageApprove(IReadOnlyList<string> ids, string? otp) => ids.Count == 1 ? WithOtp(otp, "npm", "stage", "approve", ids[0]) : null;

    public override string[]? StageReject(string id, string? otp) => WithOtp(otp, "npm", "stage", "reject", id);
}

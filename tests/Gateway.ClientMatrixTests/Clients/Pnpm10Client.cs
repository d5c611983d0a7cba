namespace Gateway.ClientMatrixTests.Clients;

/// <summary>pnpm 10 (on the machine's Node 20): packs, then runs <c>npm publish</c> on the tarball, so its own
/// pinned npm comes first on PATH; dist-tag, deprecate, unpublish and owner are passed to that npm as they are
/// (docs/PROTOCOL.md#13-what-each-client-sends).</summary>
internal sealed class Pnpm10Client : MatrixClient
{
    public override string Id => "pnpm10";

    public override string Label => "pnpm 10.34.9";

    public override IReadOnlyList<string> Executable => [Bin("pnpm")];

    public override string? OtpPrompt => "Enter OTP:";

    public override bool FollowsWebFlow => true;

    public override IEnumerable<string> PathFolders => [Path.Combine(InstallFolder, "node_modules", ".bin")];

    public override string[] Publish(string? otp) => WithOtp(otp, "publish", "--no-git-checks");

    public override string[]? PublishAll(string? otp) => WithOtp(otp, "publish", "-r", "--no-git-checks");

    public override string[]? DistTagAdd(string package, string version, string tag, string? otp) =>
        WithOtp(otp, "dist-tag", "add", $"{package}@{version}", tag);

    public override string[]? Deprecate(string package, string version, string message, string? otp) =>
        WithOtp(otp, "deprecate", $"{package}@{version}", message);

    public override string[]? Unpublish(string package, string version, string? otp) =>
        WithOtp(otp, "unpublish", $"{package}@{version}");

    public override string[]? OwnerAdd(string user, string package, string? otp) => WithOtp(otp, "owner", "add", user, package);
}

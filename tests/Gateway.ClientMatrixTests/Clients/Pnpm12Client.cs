namespace Gateway.ClientMatrixTests.Clients;

/// <summary>pnpm 12: the native binary <c>@pnpm/exe</c> installs on linux-x64 (<c>@pnpm/exe.linux-x64</c>), its own HTTP client, no Node needed.</summary>
internal sealed class Pnpm12Client : MatrixClient
{
    public override string Id => "pnpm12";

    public override string Label => "pnpm 12.18.0";

    public override IReadOnlyList<string> Executable => [Path.Combine(InstallFolder, "node_modules", "@pnpm", "exe.linux-x64", "pnpm")];

    public override bool FollowsWebFlow => true;

    public override string[] Publish(string? otp) => WithOtp(otp, "publish", "--no-git-checks");

    public override string[]? PublishAll(string? otp) => WithOtp(otp, "publish", "-r", "--no-git-checks");

    public override string[]? DistTagAdd(string package, string version, string tag, string? otp) =>
        WithOtp(otp, "dist-tag", "add", $"{package}@{version}", tag);

    public override string[]? Deprecate(string package, string version, string message, string? otp) =>
        WithOtp(otp, "deprecate", $"{package}@{version}", message);

    public override string[]? Unpublish(string package, string version, string? otp) =>
        WithOtp(otp, "unpublish", $"{package}@{version}");

    public override string[]? WebLogin => ["login"];

    public override string[]? Whoami => ["whoami"];

    public override string[]? StagePublish => ["stage", "publish", "--no-git-checks"];

    public override string[]? StageList => ["stage", "list"];

    /// <summary>Several ids in one command, one code for the batch (pnpm 12's CHANGELOG).</summary>
    public override string[]? StageApprove(IReadOnlyList<string> ids, string? otp) => WithOtp(otp, ["stage", "approve", .. ids]);

    public override string[]? StageReject(string id, string? otp) => WithOtp(otp, "stage", "reject", id);

    /// <summary>Package first; sent as <c>PUT /-/package/&lt;name&gt;/owners</c>, which Verdaccio does not serve.</summary>
    public override string[]? OwnerAdd(string user, string package, string? otp) => WithOtp(otp, "owner", "add", package, user);
}

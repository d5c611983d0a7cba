namespace Gateway.ClientMatrixTests.Clients;

/// <summary>Yarn 1 (classic): reads the registry and token from .npmrc, sends only <c>npm-otp</c>.</summary>
internal sealed class Yarn1Client : MatrixClient
{
    public override string Id => "yarn1";

    public override string Label => "Yarn 1.22.22";

    public override IReadOnlyList<string> Executable => [Bin("yarn")];

    public override string? OtpPrompt => "npm one-time password:";

    public override void Environment(IDictionary<string, string?> environment, ClientHome home, bool classicPrompt)
    {
        base.Environment(environment, home, classicPrompt);
        environment["YARN_CACHE_FOLDER"] = home.Combine("cache", "yarn");
    }

    public override string[] Publish(string? otp) => WithOtp(otp, "publish", "--new-version", "1.0.0", "--non-interactive");

    public override string[]? DistTagAdd(string package, string version, string tag, string? otp) =>
        WithOtp(otp, "tag", "add", $"{package}@{version}", tag);

    public override string[]? OwnerAdd(string user, string package, string? otp) => WithOtp(otp, "owner", "add", user, package);
}

namespace Gateway.ClientMatrixTests.Clients;

/// <summary>Bun (<c>@oven/bun-linux-x64</c>, a native binary): reads .npmrc; has <c>bun publish</c> only.</summary>
internal sealed class BunClient : MatrixClient
{
    public override string Id => "bun";

    public override string Label => "Bun 1.4.5";

    public override IReadOnlyList<string> Executable => [Path.Combine(InstallFolder, "node_modules", "@oven", "bun-linux-x64", "bin", "bun")];

    public override string? OtpPrompt => "Enter OTP:";

    public override bool FollowsWebFlow => true;

    /// <summary>Bun takes the web flow with or without a terminal (docs/PROTOCOL.md#24-without-a-terminal).</summary>
    public override bool WaitsForApprovalWithoutTerminal => true;

    public override IReadOnlyList<string> ClassicPromptArguments => ["--auth-type=legacy"];

    public override void Environment(IDictionary<string, string?> environment, ClientHome home, bool classicPrompt)
    {
        base.Environment(environment, home, classicPrompt);
        environment["BUN_INSTALL_CACHE_DIR"] = home.Combine("cache", "bun");
    }

    public override string[] Publish(string? otp) => WithOtp(otp, "publish");
}

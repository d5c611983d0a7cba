namespace Gateway.Automation;

/// <summary>
/// The CI workflow an exchanged token was issued to (trusted publishing, docs/SECURITY.md): what the token may do and
/// who it speaks for, recorded with its <see cref="TokenAttributes"/> and named in every audit event of its use.
/// Holds no token: neither the id token nor the exchanged one.
/// </summary>
/// <param name="CanPublish">The trust configuration allows <c>createPackage</c> (<c>npm publish</c>).</param>
/// <param name="CanStage">The trust configuration allows <c>createStagedPackage</c> (<c>npm stage publish</c>).</param>
/// <param name="Project">GitHub's <c>repository</c>, GitLab's <c>project_path</c>, CircleCI's <c>vcs-origin</c>.</param>
/// <param name="Workflow">GitHub's <c>workflow_ref</c>, GitLab's <c>ci_config_ref_uri</c>, CircleCI's pipeline definition.</param>
/// <param name="Run">The run or pipeline id.</param>
public sealed record TrustedPublisher(
    bool CanPublish, bool CanStage, string Issuer, string? Project, string? Workflow, string? Ref, string? Environment, string? Run)
{
    /// <summary>The gateway's exchanged tokens start with this, so the stages know one without a lookup (never a registry's prefix).</summary>
    public const string TokenPrefix = "gwoidc_";

    /// <summary>
    /// The key such a token is recorded under among its account's tokens (what <c>npm token revoke</c> names): the registry
    /// has no such token, so the gateway revokes it itself (Npm/TokenLedgerMiddleware).
    /// </summary>
    public const string KeyPrefix = "oidc-";

    public static bool IsExchangedToken(string? token) => token is not null && token.StartsWith(TokenPrefix, StringComparison.Ordinal);

    /// <summary>How the audit trail names the workflow.</summary>
    public string Describe() =>
        $"issuer={Issuer} project={Project} workflow={Workflow} ref={Ref} environment={Environment ?? "-"} run={Run}";
}

using System.Text.Json;
using Gateway.TrustedPublishing;

namespace Gateway.Tests.TrustedPublishing;

/// <summary>npm's claim matching (TrustedPublishing/TrustMatcher.cs): exact and case-sensitive, workflow and CI file by name, on each provider's claims.</summary>
public sealed class TrustMatcherTests
{
    private const string GitHub = """{"type":"github","claims":{"repository":"acme/widget","workflow_ref":{"file":"publish.yml"},"environment":"production"},"permissions":["createPackage"]}""";
    private const string GitLab = """{"type":"gitlab","claims":{"project_path":"group/sub/widget","ci_config_ref_uri":{"file":".gitlab-ci.yml"}},"permissions":["createStagedPackage"]}""";
    private const string CircleCi = """{"type":"circleci","claims":{"oidc.circleci.com/org-id":"o1","oidc.circleci.com/project-id":"p1","oidc.circleci.com/pipeline-definition-id":"d1","oidc.circleci.com/vcs-origin":"github.com/acme/widget","oidc.circleci.com/context-ids":["c1","c2"]},"permissions":["createPackage"]}""";

    [Theory]
    [InlineData("""{"repository":"acme/widget","workflow_ref":"acme/widget/.github/workflows/publish.yml@refs/heads/main","environment":"production"}""", null)]
    [InlineData("""{"repository":"acme/widget","workflow_ref":"acme/widget/.github/workflows/publish.yml@refs/tags/v1@x","environment":"production"}""", null)]
    [InlineData("""{"repository":"Acme/widget","workflow_ref":"Acme/widget/.github/workflows/publish.yml@refs/heads/main","environment":"production"}""", "repository")]
    [InlineData("""{"repository":"acme/widget","workflow_ref":"acme/widget/.github/workflows/other.yml@refs/heads/main","environment":"production"}""", "workflow_ref")]
    [InlineData("""{"repository":"acme/widget","workflow_ref":"acme/widget/.github/workflows/sub/publish.yml@refs/heads/main","environment":"production"}""", "workflow_ref")]
    [InlineData("""{"repository":"acme/widget","workflow_ref":"evil/fork/.github/workflows/publish.yml@refs/heads/main","environment":"production"}""", "workflow_ref")]
    [InlineData("""{"repository":"acme/widget","workflow_ref":"acme/widget/.github/workflows/Publish.yml@refs/heads/main","environment":"production"}""", "workflow_ref")]
    [InlineData("""{"repository":"acme/widget","workflow_ref":"acme/widget/.github/workflows/publish.yml@refs/heads/main"}""", "environment")]
    [InlineData("""{"repository":"acme/widget","workflow_ref":"acme/widget/.github/workflows/publish.yml@refs/heads/main","environment":"Production"}""", "environment")]
    [InlineData("""{"repository":"acme/widget","environment":"production"}""", "workflow_ref")]
    public void GitHub_ExactClaimsAndTheWorkflowFile(string payload, string? mismatch)
    {
        Assert.Equal(mismatch, Mismatch(GitHub, TrustProvider.Github, payload));
    }

    [Theory]
    [InlineData("""{"project_path":"group/sub/widget","ci_config_ref_uri":"gitlab.example.com/group/sub/widget//.gitlab-ci.yml@refs/heads/main"}""", null)]
    [InlineData("""{"project_path":"group/sub/widget","ci_config_ref_uri":"gitlab.example.com/group/sub/widget//ci/other.yml@refs/heads/main"}""", "ci_config_ref_uri")]
    [InlineData("""{"project_path":"group/sub/widget","ci_config_ref_uri":"gitlab.example.com/evil/group/sub/widget//.gitlab-ci.yml@refs/heads/main"}""", "ci_config_ref_uri")]
    [InlineData("""{"project_path":"group/widget","ci_config_ref_uri":"gitlab.example.com/group/widget//.gitlab-ci.yml@refs/heads/main"}""", "project_path")]
    public void GitLab_ProjectPathAndTheCiFile(string payload, string? mismatch)
    {
        Assert.Equal(mismatch, Mismatch(GitLab, TrustProvider.Gitlab, payload));
    }

    [Theory]
    [InlineData("""{"oidc.circleci.com/org-id":"o1","oidc.circleci.com/project-id":"p1","oidc.circleci.com/pipeline-definition-id":"d1","oidc.circleci.com/vcs-origin":"github.com/acme/widget","oidc.circleci.com/context-ids":["c2","c1","c3"]}""", null)]
    [InlineData("""{"oidc.circleci.com/org-id":"o1","oidc.circleci.com/project-id":"p1","oidc.circleci.com/pipeline-definition-id":"d1","oidc.circleci.com/vcs-origin":"github.com/acme/widget","oidc.circleci.com/context-ids":["c1"]}""", "oidc.circleci.com/context-ids")]
    [InlineData("""{"oidc.circleci.com/org-id":"o2","oidc.circleci.com/project-id":"p1","oidc.circleci.com/pipeline-definition-id":"d1","oidc.circleci.com/vcs-origin":"github.com/acme/widget","oidc.circleci.com/context-ids":["c1","c2"]}""", "oidc.circleci.com/org-id")]
    public void CircleCi_IdsAndEveryContext(string payload, string? mismatch)
    {
        Assert.Equal(mismatch, Mismatch(CircleCi, TrustProvider.Circleci, payload));
    }

    [Fact]
    public void ConfigurationOfAnotherType_NeverMatches()
    {
        var payload = """{"repository":"acme/widget","workflow_ref":"acme/widget/.github/workflows/publish.yml@refs/heads/main","environment":"production"}""";

        Assert.NotNull(Mismatch(GitHub, TrustProvider.Gitlab, payload));
    }

    [Fact]
    public void PinnedIssuer_OnlyThatIssuersTokensMatch()
    {
        var pinned = GitHub.Replace("\"permissions\"", "\"issuer\":\"https://ghes.example/_services/token\",\"permissions\"", StringComparison.Ordinal);
        var payload = """{"repository":"acme/widget","workflow_ref":"acme/widget/.github/workflows/publish.yml@refs/heads/main","environment":"production"}""";

        Assert.Null(Mismatch(pinned, TrustProvider.Github, payload, "https://ghes.example/_services/token"));
        Assert.Equal("issuer", Mismatch(pinned, TrustProvider.Github, payload, "https://token.actions.githubusercontent.com"));
    }

    [Theory]
    [InlineData("""{"type":"github","claims":{"repository":"a/b","workflow_ref":{"file":"p.yml"}},"permissions":[]}""", "permissions")]
    [InlineData("""{"type":"github","claims":{"repository":"a/b","workflow_ref":{"file":"p.yml"}},"permissions":["admin"]}""", "permissions")]
    [InlineData("""{"type":"github","claims":{"repository":"a/b"},"permissions":["createPackage"]}""", "workflow_ref")]
    [InlineData("""{"type":"github","claims":{"repository":"a/b","workflow_ref":{"file":"p.yml@main"}},"permissions":["createPackage"]}""", "workflow_ref")]
    [InlineData("""{"type":"github","claims":{"repository":"","workflow_ref":{"file":"p.yml"}},"permissions":["createPackage"]}""", "repository")]
    [InlineData("""{"type":"jenkins","claims":{},"permissions":["createPackage"]}""", "type")]
    [InlineData("""{"type":"gitlab","claims":{"project_path":"g/p"},"permissions":["createPackage"]}""", "ci_config_ref_uri")]
    [InlineData("""{"type":"circleci","claims":{"oidc.circleci.com/org-id":"o"},"permissions":["createPackage"]}""", "oidc.circleci.com/project-id")]
    public void Parse_RefusesWhatNpmWouldNotSend_NamingIt(string json, string named)
    {
        using var document = JsonDocument.Parse(json);

        Assert.Null(TrustConfiguration.Parse(document.RootElement, "id", out var problem));
        Assert.Contains(named, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void StoredForm_ReadsBackTheSameConfiguration()
    {
        using var document = JsonDocument.Parse(CircleCi);
        var configuration = TrustConfiguration.Parse(document.RootElement, "id-1", out _)!;

        var stored = TrustConfiguration.FromStored(configuration.ToJson().ToJsonString())!;

        Assert.Equal(configuration.ToJson().ToJsonString(), stored.ToJson().ToJsonString());
        Assert.Equal("id-1", stored.Id);
    }

    private static string? Mismatch(string configuration, TrustProvider issuerType, string payload, string issuer = "https://issuer.example")
    {
        using var config = JsonDocument.Parse(configuration);
        using var claims = JsonDocument.Parse(payload);
        return TrustMatcher.Mismatch(TrustConfiguration.Parse(config.RootElement, "id", out var problem) ?? throw new InvalidOperationException(problem),
            issuerType, issuer, claims.RootElement);
    }
}

using System.Text.Json;
using Gateway.Policy;

namespace Gateway.Tests.Policy;

/// <summary>
/// The catalogue of npm requests (docs/PROTOCOL.md §3–§7; numbers below are its sections and §3.1 catalogue rows) run against the real
/// config/route-policy.json, classified the way ClassificationMiddleware does it: first without the body,
/// then, only if the policy asks, with it.
/// </summary>
public sealed class RoutePolicyClassificationTests
{
    private const ProtectionClass N = ProtectionClass.None;
    private const ProtectionClass W = ProtectionClass.Writes;
    private const ProtectionClass A = ProtectionClass.Auth;

    /// <summary>Stands for a body the gateway does not read (over maxBodyBytes, chunked, not JSON).</summary>
    private const string Large = "<unavailable>";

    // Bodies as npm 11 sends them (PROTOCOL.md §3.2, §3.4).
    private const string PublishBody = """{"_id":"demo-pkg","name":"demo-pkg","dist-tags":{"latest":"1.0.0"},"versions":{"1.0.0":{"name":"demo-pkg","version":"1.0.0"}},"access":null,"_attachments":{"demo-pkg-1.0.0.tgz":{"content_type":"application/octet-stream","data":"H4sI","length":223}}}""";
    private const string ScopedPublishBody = """{"_id":"@acme/widget","name":"@acme/widget","dist-tags":{"beta":"1.0.0"},"versions":{"1.0.0":{}},"access":"public","_attachments":{"@acme/widget-1.0.0.tgz":{"data":"H4sI","length":1}}}""";
    private const string DeprecateBody = """{"_id":"demo-pkg","_rev":"25-abc","name":"demo-pkg","dist-tags":{"latest":"1.0.0"},"versions":{"1.0.0":{"deprecated":"old version"}},"time":{},"users":{},"_attachments":{}}""";
    private const string UndeprecateBody = """{"_id":"demo-pkg","_rev":"26-abc","name":"demo-pkg","versions":{"1.0.0":{"deprecated":""}},"_attachments":{}}""";
    private const string StarBody = """{"_id":"demo-pkg","_rev":"25-abc","users":{"alice":true}}""";
    private const string UnstarBody = """{"_id":"demo-pkg","_rev":"26-abc","users":{}}""";
    private const string StarWithVersionsBody = """{"_id":"demo-pkg","_rev":"25-abc","users":{"alice":true},"versions":{"1.0.0":{}}}""";
    private const string StarWithAttachmentsBody = """{"_id":"demo-pkg","_rev":"25-abc","users":{"alice":true},"_attachments":{"x.tgz":{"data":"AA=="}}}""";
    private const string UnpublishPutBody = """{"_id":"demo-pkg","_rev":"23-67ad","dist-tags":{"latest":"1.1.0"},"name":"demo-pkg","readme":"","time":{},"users":{},"versions":{"1.1.0":{}}}""";
    private const string OwnerBody = """{"_id":"@acme/widget","_rev":"8-abc","maintainers":[{"name":"bob","email":"bob@example.com"}]}""";
    private const string OwnerBodyVerdaccio = """{"_id":"@acme/widget","_rev":"8-abc","maintainers":[{}]}""";
    private const string ProfileSetBody = """{"email":null,"fullname":"Alice A"}""";
    private const string PasswordBody = """{"email":null,"password":{"old":"a","new":"b"},"fullname":null}""";
    private const string TfaEnableBody = """{"tfa":{"mode":"auth-and-writes","password":"pw"}}""";
    private const string TfaConfirmBody = """{"tfa":["123456"]}""";
    private const string TfaDisableBody = """{"tfa":{"password":"pw","mode":"disable"}}""";
    private const string CouchLoginBody = """{"_id":"org.couchdb.user:alice","name":"alice","password":"pw","type":"user","roles":[],"date":"2026-01-01T00:00:00.000Z"}""";
    private const string TokenCreateBody = """{"name":"ci","password":"pw","packages":["@acme/widget"],"packages_and_scopes_permission":"read-write","expires":30,"bypass_2fa":true}""";

    [Theory]
    // §3.1 #1 publish, every spelling of the name (§1.1)
    [InlineData("PUT", "/demo-pkg", PublishBody, "publish", "demo-pkg", W)]
    [InlineData("PUT", "/@acme%2fwidget", ScopedPublishBody, "publish", "@acme/widget", W)]
    [InlineData("PUT", "/%40acme%2Fwidget", ScopedPublishBody, "publish", "@acme/widget", W)]
    [InlineData("PUT", "/%40acme%2fwidget", ScopedPublishBody, "publish", "@acme/widget", W)]
    [InlineData("PUT", "/@acme/widget", ScopedPublishBody, "publish", "@acme/widget", W)]
    [InlineData("PUT", "/@acme%2Fwidget", ScopedPublishBody, "publish", "@acme/widget", W)]
    [InlineData("PUT", "/@acme%2fwidget/", ScopedPublishBody, "publish", "@acme/widget", W)]
    [InlineData("PUT", "//@acme%2fwidget", ScopedPublishBody, "publish", "@acme/widget", W)]
    [InlineData("PUT", "/@acme//widget", ScopedPublishBody, "publish", "@acme/widget", W)]
    [InlineData("PUT", "/demo-pkg/", PublishBody, "publish", "demo-pkg", W)]
    [InlineData("PUT", "/demo-pkg?write=true", PublishBody, "publish", "demo-pkg", W)]
    [InlineData("PUT", "/@acme%2fwidget?write=true", ScopedPublishBody, "publish", "@acme/widget", W)]
    [InlineData("PUT", "/@acme%2fyarn-demo", ScopedPublishBody, "publish", "@acme/yarn-demo", W)] // §1.3 Yarn
    [InlineData("PUT", "/@Acme%2FWidget", ScopedPublishBody, "publish", "@Acme/Widget", W)] // names keep their case
    [InlineData("PUT", "/demo-pkg", Large, "publish", "demo-pkg", W)]
    [InlineData("PUT", "/@acme%2fwidget", Large, "publish", "@acme/widget", W)]
    [InlineData("PUT", "/demo-pkg", null, "publish", "demo-pkg", W)]
    [InlineData("PUT", "/demo-pkg", "[1,2]", "publish", "demo-pkg", W)]
    [InlineData("PUT", "/demo-pkg", "\"1.0.0\"", "publish", "demo-pkg", W)]
    // A star needs users to be an object: Verdaccio creates the package for any other users
    [InlineData("PUT", "/demo-pkg", """{"_id":"demo-pkg","users":"x"}""", "publish", "demo-pkg", W)]
    [InlineData("PUT", "/demo-pkg", """{"_id":"demo-pkg","users":[]}""", "publish", "demo-pkg", W)]
    [InlineData("PUT", "/demo-pkg", """{"_id":"demo-pkg","users":null}""", "publish", "demo-pkg", W)]
    // §3.1 #4 deprecate / undeprecate
    [InlineData("PUT", "/demo-pkg", DeprecateBody, "deprecate", "demo-pkg", W)]
    [InlineData("PUT", "/demo-pkg", UndeprecateBody, "deprecate", "demo-pkg", W)]
    [InlineData("PUT", "/@acme%2fwidget", DeprecateBody, "deprecate", "@acme/widget", W)]
    // §3.1 #19 star / unstar, and bodies that only look like it (§3.2)
    [InlineData("PUT", "/demo-pkg", StarBody, "star", "demo-pkg", N)]
    [InlineData("PUT", "/demo-pkg", UnstarBody, "star", "demo-pkg", N)]
    [InlineData("PUT", "/@acme%2fwidget", StarBody, "star", "@acme/widget", N)]
    [InlineData("PUT", "/demo-pkg", """{"users":{"alice":true}}""", "star", "demo-pkg", N)]
    [InlineData("PUT", "/demo-pkg", StarWithVersionsBody, "deprecate", "demo-pkg", W)]
    [InlineData("PUT", "/demo-pkg", StarWithAttachmentsBody, "publish", "demo-pkg", W)]
    [InlineData("PUT", "/demo-pkg", """{"_id":"demo-pkg","_rev":"25-abc"}""", "publish", "demo-pkg", W)]
    [InlineData("PUT", "/demo-pkg", """{"_id":"demo-pkg","_rev":"1","users":{},"maintainers":[]}""", "publish", "demo-pkg", W)]
    // §3.1 #2/#3, §3.3 unpublish
    [InlineData("PUT", "/demo-pkg/-rev/23-67ad", UnpublishPutBody, "unpublish", "demo-pkg", W)]
    [InlineData("PUT", "/@acme%2fwidget/-rev/9-abc", UnpublishPutBody, "unpublish", "@acme/widget", W)]
    [InlineData("PUT", "/demo-pkg/-rev/23-67ad", Large, "unpublish", "demo-pkg", W)]
    [InlineData("DELETE", "/demo-pkg/-rev/24-64a2", null, "unpublish", "demo-pkg", W)]
    [InlineData("DELETE", "/@acme%2fwidget/-rev/10-abc", null, "unpublish", "@acme/widget", W)]
    [InlineData("DELETE", "/demo-pkg/-/demo-pkg-1.2.0.tgz/-rev/24-64a2", null, "unpublish", "demo-pkg", W)]
    [InlineData("DELETE", "/@acme/widget/-/widget-1.0.0.tgz/-rev/9-abc", null, "unpublish", "@acme/widget", W)]
    [InlineData("DELETE", "/@acme/widget/-/@acme/widget-1.0.0.tgz/-rev/9-abc", null, "unpublish", "@acme/widget", W)]
    [InlineData("DELETE", "/@acme%2fwidget/-/@acme%2fwidget-1.0.0.tgz/-rev/9-abc", null, "unpublish", "@acme/widget", W)]
    [InlineData("DELETE", "/demo-pkg/-/demo-pkg-1.2.0.tgz", null, "unpublish", "demo-pkg", W)]
    // §3.1 #7 owner
    [InlineData("PUT", "/@acme%2fwidget/-rev/8-abc", OwnerBody, "owner", "@acme/widget", W)]
    [InlineData("PUT", "/@acme%2fwidget/-rev/8-abc", OwnerBodyVerdaccio, "owner", "@acme/widget", W)]
    [InlineData("PUT", "/demo-pkg/-rev/8-abc", OwnerBody, "owner", "demo-pkg", W)]
    // §3.1 #5/#6/#24, §1.3 dist-tags
    [InlineData("PUT", "/-/package/@acme%2fwidget/dist-tags/next", "\"1.1.0\"", "dist-tag-add", "@acme/widget", W)]
    [InlineData("PUT", "/-/package/demo-pkg/dist-tags/beta", "\"1.1.0\"", "dist-tag-add", "demo-pkg", W)]
    [InlineData("PUT", "/-/package/demo-pkg/dist-tags/latest", "\"1.1.0\"", "dist-tag-add", "demo-pkg", W)]
    [InlineData("DELETE", "/-/package/@acme%2fwidget/dist-tags/next", null, "dist-tag-rm", "@acme/widget", W)]
    [InlineData("DELETE", "/-/package/%40acme%2Fwidget/dist-tags/next", null, "dist-tag-rm", "@acme/widget", W)]
    [InlineData("POST", "/-/package/@acme%2fwidget/dist-tags", """{"beta":"1.1.0"}""", "dist-tag-merge", "@acme/widget", W)]
    [InlineData("PUT", "/-/package/demo-pkg/dist-tags", """{"beta":"1.1.0"}""", "dist-tag-merge", "demo-pkg", W)]
    [InlineData("PUT", "/demo-pkg/beta", "\"1.1.0\"", "dist-tag-add", "demo-pkg", W)]
    [InlineData("PUT", "/@acme%2fwidget/beta", "\"1.1.0\"", "dist-tag-add", "@acme/widget", W)]
    [InlineData("POST", "/demo-pkg/beta", "\"1.1.0\"", "dist-tag-add", "demo-pkg", W)]
    // §3.1 #8 access (npm 9+ and legacy %40 form), collaborators
    [InlineData("POST", "/-/package/@acme%2fwidget/access", """{"access":"public"}""", "access", "@acme/widget", W)]
    [InlineData("POST", "/-/package/@acme%2fwidget/access", """{"publish_requires_tfa":false}""", "access", "@acme/widget", W)]
    [InlineData("POST", "/-/package/demo-pkg/access", """{"publish_requires_tfa":true,"automation_token_overrides_tfa":true}""", "access", "demo-pkg", W)]
    [InlineData("POST", "/-/package/%40acme%2Fwidget/access", """{"publish_requires_tfa":true}""", "access", "@acme/widget", W)]
    [InlineData("PUT", "/-/package/%40acme%2Fwidget/access", """{"access":"restricted"}""", "access", "@acme/widget", W)]
    [InlineData("PUT", "/-/package/@acme%2fwidget/collaborators/bob", null, "access", "@acme/widget", W)]
    [InlineData("DELETE", "/-/package/demo-pkg/collaborators/bob", null, "access", "demo-pkg", W)]
    // pnpm 12's owner routes and pnpm's batch publish (docs/PROTOCOL.md#13-what-each-client-sends)
    [InlineData("PUT", "/-/package/@acme%2fwidget/owners", "{\"name\":\"bob\"}", "owner", "@acme/widget", W)]
    [InlineData("DELETE", "/-/package/demo-pkg/owners/bob", null, "owner", "demo-pkg", W)]
    [InlineData("PUT", "/-/pnpr/v0/publish", "{}", "publish-batch", null, W)]
    // §3.1 #9–#11 team / org
    [InlineData("PUT", "/-/team/acme/devs/package", """{"package":"@acme/widget","permissions":"read-write"}""", "access-grant", null, W)]
    [InlineData("DELETE", "/-/team/acme/devs/package", """{"package":"@acme/widget"}""", "access-revoke", null, W)]
    [InlineData("PUT", "/-/org/acme/team", """{"name":"devs"}""", "team-create", null, W)]
    [InlineData("DELETE", "/-/team/acme/devs", null, "team-destroy", null, W)]
    [InlineData("PUT", "/-/team/acme/devs/user", """{"user":"bob"}""", "team-add", null, W)]
    [InlineData("DELETE", "/-/team/acme/devs/user", """{"user":"bob"}""", "team-rm", null, W)]
    [InlineData("PUT", "/-/org/acme/user", """{"user":"bob","role":"developer"}""", "org-set", null, W)]
    [InlineData("DELETE", "/-/org/acme/user", """{"user":"bob"}""", "org-rm", null, W)]
    // §3.1 #20–#23 stage, trust, OIDC exchange; §1.3 yarn --staged
    [InlineData("POST", "/-/stage/package/@acme%2fwidget", Large, "stage-publish", "@acme/widget", N)]
    [InlineData("PUT", "/-/stage/package/demo-pkg", PublishBody, "stage-publish", "demo-pkg", N)]
    [InlineData("POST", "/-/stage/1b4e28ba-2fa1-11d2-883f-0016d3cca427/approve", null, "stage-approve", null, A)]
    [InlineData("DELETE", "/-/stage/1b4e28ba-2fa1-11d2-883f-0016d3cca427", null, "stage-reject", null, A)]
    [InlineData("GET", "/-/stage?page=0&perPage=100&package=%40acme%2Fwidget", null, "stage-list", null, N)]
    [InlineData("GET", "/-/stage/1b4e28ba-2fa1-11d2-883f-0016d3cca427", null, "stage-view", null, N)]
    [InlineData("GET", "/-/stage/1b4e28ba-2fa1-11d2-883f-0016d3cca427/tarball", null, "stage-tarball", null, N)]
    [InlineData("POST", "/-/package/@acme%2fwidget/trust", """{"type":"github"}""", "trust", "@acme/widget", A)]
    [InlineData("GET", "/-/package/@acme%2fwidget/trust", null, "trust", "@acme/widget", A)]
    [InlineData("DELETE", "/-/package/@acme%2fwidget/trust/abc123", null, "trust", "@acme/widget", A)]
    [InlineData("GET", "/-/package/@acme%2fwidget/visibility", null, "package-visibility", "@acme/widget", N)]
    [InlineData("POST", "/-/npm/v1/oidc/token/exchange/package/@acme%2fwidget", null, "oidc-exchange", "@acme/widget", W)]
    [InlineData("POST", "/-/npm/v1/oidc/token/exchange/package/demo-pkg", null, "oidc-exchange", "demo-pkg", W)]
    // §4.2, §5 login, logout
    [InlineData("PUT", "/-/user/org.couchdb.user:alice", CouchLoginBody, "login", null, A)]
    [InlineData("PUT", "/-/user/org.couchdb.user:alice/-rev/undefined", CouchLoginBody, "login", null, A)]
    [InlineData("PUT", "/-/user/org.couchdb.user:alice/-rev/3-abc", CouchLoginBody, "login", null, A)]
    [InlineData("PUT", "/-/user/org.couchdb.user%3Aalice", CouchLoginBody, "login", null, A)]
    [InlineData("PUT", "/-/user/org.couchdb.user:carol", """{"name":"carol","password":"pw","email":"carol@example.com"}""", "login", null, A)]
    [InlineData("POST", "/-/v1/login", "{}", "web-login", null, A)]
    [InlineData("POST", "/-/v1/login", """{"create":true}""", "web-login", null, A)]
    [InlineData("POST", "/-/v1/login", "null", "web-login", null, A)]
    [InlineData("DELETE", "/-/user/token/npm_abcdef0123456789", null, "logout", null, N)]
    [InlineData("DELETE", "/-/user/token/Y2YyO1NTU%3D", null, "logout", null, N)]
    // §6 profile and 2FA
    [InlineData("POST", "/-/npm/v1/user", ProfileSetBody, "profile-set", null, A)]
    [InlineData("POST", "/-/npm/v1/user", PasswordBody, "profile-set", null, A)]
    [InlineData("POST", "/-/npm/v1/user", Large, "profile-set", null, A)]
    [InlineData("POST", "/-/npm/v1/user", TfaEnableBody, "2fa-change", null, A)]
    [InlineData("POST", "/-/npm/v1/user", TfaConfirmBody, "2fa-change", null, A)]
    [InlineData("POST", "/-/npm/v1/user", TfaDisableBody, "2fa-change", null, A)]
    [InlineData("PATCH", "/-/npm/v1/user", TfaDisableBody, "2fa-change", null, A)]
    [InlineData("PUT", "/-/npm/v1/user", ProfileSetBody, "profile-set", null, A)]
    // §7 tokens
    [InlineData("POST", "/-/npm/v1/tokens", TokenCreateBody, "token-create", null, A)]
    [InlineData("POST", "/-/npm/v1/tokens", """{"password":"pw","readonly":false,"cidr_whitelist":[]}""", "token-create", null, A)]
    [InlineData("DELETE", "/-/npm/v1/tokens/token/f09cfef0fe4b9ed874b5a22a52a7b35a", null, "token-revoke", null, A)]
    // audit POSTs made by npm install / npm audit
    [InlineData("POST", "/-/npm/v1/security/advisories/bulk", """{"demo-pkg":["1.0.0"]}""", "audit", null, N)]
    [InlineData("POST", "/-/npm/v1/security/audits/quick", "{}", "audit", null, N)]
    [InlineData("POST", "/-/npm/v1/security/audits", "{}", "audit", null, N)]
    // reads
    [InlineData("GET", "/demo-pkg", null, "packument", "demo-pkg", N)]
    [InlineData("GET", "/demo-pkg?write=true", null, "packument", "demo-pkg", N)]
    [InlineData("GET", "/@acme%2fwidget", null, "packument", "@acme/widget", N)]
    [InlineData("GET", "/%40acme%2Fwidget?write=true", null, "packument", "@acme/widget", N)]
    [InlineData("HEAD", "/@acme/widget", null, "packument", "@acme/widget", N)]
    [InlineData("GET", "/demo-pkg/1.0.0", null, "manifest", "demo-pkg", N)]
    [InlineData("GET", "/@acme%2fwidget/latest", null, "manifest", "@acme/widget", N)]
    [InlineData("GET", "/demo-pkg/-/demo-pkg-1.0.0.tgz", null, "tarball", "demo-pkg", N)]
    [InlineData("GET", "/@acme%2fwidget/-/widget-1.0.0.tgz", null, "tarball", "@acme/widget", N)]
    [InlineData("GET", "/@acme/widget/-/@acme/widget-1.0.0.tgz", null, "tarball", "@acme/widget", N)]
    [InlineData("HEAD", "/demo-pkg/-/demo-pkg-1.0.0.tgz", null, "tarball", "demo-pkg", N)]
    [InlineData("GET", "/-/whoami", null, "whoami", null, N)]
    [InlineData("GET", "/-/ping", null, "ping", null, N)]
    [InlineData("GET", "/-/ping?write=true", null, "ping", null, N)]
    [InlineData("GET", "/-/v1/search?text=widget&size=20", null, "search", null, N)]
    [InlineData("GET", "/-/npm/v1/tokens", null, "token-list", null, N)]
    [InlineData("GET", "/-/npm/v1/tokens?page=2", null, "token-list", null, N)]
    [InlineData("GET", "/-/npm/v1/user", null, "profile-get", null, N)]
    [InlineData("GET", "/-/user/org.couchdb.user:bob", null, "user-get", null, N)]
    [InlineData("GET", "/-/user/org.couchdb.user:alice?write=true", null, "user-get", null, N)]
    [InlineData("GET", "/-/package/@acme%2fwidget/dist-tags", null, "dist-tag-ls", "@acme/widget", N)]
    [InlineData("GET", "/-/v1/done/abc", null, "read", null, N)]
    [InlineData("GET", "/-/all", null, "read", null, N)]
    [InlineData("OPTIONS", "/demo-pkg", null, "read", null, N)]
    // mutating requests no rule names: fail safe to class writes
    [InlineData("POST", "/-/npm/v1/hooks/hook", """{"type":"package","name":"demo-pkg"}""", "unknown-write", null, W)]
    [InlineData("PATCH", "/foo", null, "unknown-write", null, W)]
    [InlineData("PUT", "/-/whatever", "{}", "unknown-write", null, W)]
    [InlineData("DELETE", "/-/user/org.couchdb.user:bob", null, "login", null, A)]
    [InlineData("PUT", "/-/user/org.couchdb.user:bob/-rev", null, "login", null, A)]
    [InlineData("PUT", "/-/user/org.couchdb.user:", null, "login", null, A)]
    [InlineData("PUT", "/-/user/org.couchdb.user:bob%2Fx", null, "login", null, A)]
    [InlineData("PUT", "/-/USER/ORG.COUCHDB.USER:bob", null, "login", null, A)]
    [InlineData("FOO", "/-/user/anything", null, "login", null, A)]
    [InlineData("DELETE", "/-/user/token/abc/def", null, "logout", null, N)]
    [InlineData("POST", "/-/verdaccio/sec/login", null, "registry-ui-login", null, A)]
    [InlineData("PUT", "/-/verdaccio/sec/reset_password", null, "registry-ui-write", null, A)]
    [InlineData("PATCH", "/-/Verdaccio/anything/new", null, "registry-ui-write", null, A)]
    [InlineData("GET", "/-/verdaccio/data/packages", null, "read", null, N)]
    [InlineData("PUT", "/demo-pkg/1.0.0/-tag/latest", null, "publish", "demo-pkg", W)]
    [InlineData("PUT", "/demo-pkg/-/demo-pkg-1.0.0.tgz/whatever", null, "publish", "demo-pkg", W)]
    [InlineData("PROPFIND", "/demo-pkg", null, "unknown-write", null, W)]
    [InlineData("TRACE", "/demo-pkg", null, "unknown-write", null, W)]
    [InlineData("POST", "/demo-pkg", PublishBody, "unknown-write", null, W)]
    [InlineData("DELETE", "/demo-pkg", null, "unknown-write", null, W)]
    [InlineData("PUT", "/@acme", PublishBody, "unknown-write", null, W)]
    [InlineData("PUT", "/", "{}", "unknown-write", null, W)]
    [InlineData("DELETE", "/-/package/@acme%2fwidget/access", null, "unknown-write", null, W)]
    public void Classify_CatalogueRequest_GivesActionPackageAndClass(
        string method, string rawPath, string? body, string action, string? package, ProtectionClass protection)
    {
        var result = ClassifyLikeMiddleware(Policy, method, rawPath, body);

        Assert.Equal((action, package, protection), (result.Action.Name, result.Package, result.Class));
    }

    // Regression guard: Verdaccio's Express routers are case-insensitive (express.Router() default
    // caseSensitive: false; verified against Express 4.22.2 in tests/registry), so `PUT /-/USER/org.couchdb.user:alice`
    // logs in and `POST /-/NPM/v1/tokens` creates a token upstream. When PathTemplate compared literals ordinally
    // these fell to the default rule (class Writes) instead of Auth, skipping the second factor in auth-only mode.
    [Theory]
    [InlineData("PUT", "/-/USER/org.couchdb.user:alice", CouchLoginBody)]
    [InlineData("PUT", "/-/User/org.couchdb.user:alice/-rev/undefined", CouchLoginBody)]
    [InlineData("POST", "/-/NPM/v1/tokens", TokenCreateBody)]
    [InlineData("DELETE", "/-/npm/V1/tokens/token/f09cfef0", null)]
    [InlineData("POST", "/-/npm/v1/USER", PasswordBody)]
    [InlineData("POST", "/-/V1/login", "{}")]
    public void Classify_AuthRouteInOtherLetterCase_IsStillAuth(string method, string rawPath, string? body)
    {
        var result = ClassifyLikeMiddleware(Policy, method, rawPath, body);

        Assert.Equal(ProtectionClass.Auth, result.Class);
    }

    [Fact]
    public void Classify_CatalogueTable_HasAtLeastHundredCases()
    {
        var cases = typeof(RoutePolicyClassificationTests)
            .GetMethod(nameof(Classify_CatalogueRequest_GivesActionPackageAndClass))!
            .GetCustomAttributes(typeof(InlineDataAttribute), false)
            .Length;

        Assert.True(cases >= 100, $"only {cases} cases");
    }

    [Theory]
    [InlineData("PUT", "/demo-pkg")]
    [InlineData("PUT", "/@acme%2fwidget")]
    [InlineData("PUT", "/demo-pkg/-rev/1-abc")]
    [InlineData("POST", "/-/npm/v1/user")]
    public void Classify_BodyRuleAndBodyNotRead_ReportsNeedsBody(string method, string rawPath)
    {
        var result = Policy.Classify(method, RequestPath.Parse(rawPath), RequestBody.NotRead, out var needsBody);

        Assert.Null(result);
        Assert.True(needsBody);
    }

    [Theory]
    [InlineData("GET", "/demo-pkg")]
    [InlineData("DELETE", "/demo-pkg/-rev/1-abc")]
    [InlineData("POST", "/-/npm/v1/tokens")]
    [InlineData("PUT", "/-/package/demo-pkg/dist-tags/beta")]
    [InlineData("PATCH", "/foo")]
    public void Classify_NoBodyRuleOnPath_DecidesWithoutBody(string method, string rawPath)
    {
        var result = Policy.Classify(method, RequestPath.Parse(rawPath), RequestBody.NotRead, out var needsBody);

        Assert.NotNull(result);
        Assert.False(needsBody);
    }

    [Fact]
    public void Classify_MatchingRule_NamesTheRuleForLogs()
    {
        var result = ClassifyLikeMiddleware(Policy, "PUT", "/demo-pkg", StarBody);

        Assert.StartsWith("rules[0] 'star'", result.Rule);
    }

    [Theory]
    [InlineData("PUT", "/-/org/acme/user", "acme")]
    [InlineData("DELETE", "/-/org/%40acme/user", "acme")]
    [InlineData("PUT", "/-/team/acme/devs/user", "acme")]
    [InlineData("PUT", "/-/team/acme/devs/package", "acme")]
    [InlineData("PUT", "/-/org/acme/team", "acme")]
    [InlineData("PUT", "/demo-pkg", null)]
    public void OrgAndTeamRoutes_NameTheirOrganisation(string method, string path, string? organisation) =>
        Assert.Equal(organisation, ClassifyLikeMiddleware(Policy, method, path, PublishBody).Organisation);

    private static readonly RoutePolicy Policy = RoutePolicyParser.Load(RepoPaths.RoutePolicy);

    /// <summary>As ClassificationMiddleware: without the body first; the body only when a rule asks for it.</summary>
    internal static RequestClassification ClassifyLikeMiddleware(RoutePolicy policy, string method, string rawPath, string? body)
    {
        var path = RequestPath.Parse(rawPath);
        Assert.False(path.HasDotSegments);
        var result = policy.Classify(method, path, RequestBody.NotRead, out var needsBody);
        if (result is not null)
        {
            Assert.False(needsBody);
            return result;
        }

        Assert.True(needsBody);
        result = policy.Classify(method, path, ToBody(body), out needsBody);
        Assert.False(needsBody);
        return Assert.IsType<RequestClassification>(result);
    }

    /// <summary>No body or an unreadable one is Unavailable, as BodyReader reports for length 0 or too large.</summary>
    private static RequestBody ToBody(string? json)
    {
        if (json is null or Large)
        {
            return RequestBody.Unavailable;
        }

        using var document = JsonDocument.Parse(json);
        return RequestBody.Parsed(document.RootElement.Clone());
    }
}

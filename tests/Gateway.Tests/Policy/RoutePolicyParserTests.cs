using Gateway.Policy;

namespace Gateway.Tests.Policy;

/// <summary>Every error names the file, the rule (index and action, where there is one) and the reason.</summary>
public sealed class RoutePolicyParserTests
{
    private const string File = "policy-under-test.json";
    private const string GoodRule = """{ "action": "publish", "methods": ["PUT"], "path": "/{package}", "class": "writes" }""";

    [Fact]
    public void Parse_NotJson_NamesFileAndLine()
    {
        var errors = ErrorsOf("{\n  \"rules\": [\n    oops\n  ]\n}");

        var error = Assert.Single(errors);
        Assert.StartsWith($"{File}: not valid JSON at line 3", error);
    }

    [Theory]
    [InlineData("""{ "maxBodyBytes": 100 }""")]
    [InlineData("""{ "rules": {} }""")]
    [InlineData("""{ "rules": "publish" }""")]
    public void Parse_RulesMissingOrNotArray_NamesFileAndReason(string json)
    {
        var error = Assert.Single(ErrorsOf(json));

        Assert.Equal($"{File}: \"rules\" must be an array of rules", error);
    }

    [Fact]
    public void Parse_DocumentNotObject_NamesFileAndReason()
    {
        var error = Assert.Single(ErrorsOf("[]"));

        Assert.StartsWith($"{File}: the document must be a JSON object", error);
    }

    [Fact]
    public void Parse_RulesEmpty_NamesFileAndReason()
    {
        var error = Assert.Single(ErrorsOf("""{ "rules": [] }"""));

        Assert.StartsWith($"{File}: \"rules\" is empty", error);
    }

    [Fact]
    public void Parse_UnknownTopLevelKey_NamesKey()
    {
        var error = Assert.Single(ErrorsOf($$"""{ "rulez": [], "rules": [{{GoodRule}}] }"""));

        Assert.StartsWith($"{File}: unknown key \"rulez\"", error);
    }

    [Fact]
    public void Parse_RuleKeyTypo_NamesRuleKeyAndMissingClass()
    {
        var errors = ErrorsOf("""{ "rules": [{ "action": "publish", "methods": ["PUT"], "path": "/{package}", "clas": "writes" }] }""");

        Assert.Equal(2, errors.Count);
        Assert.Contains(errors, e => e.StartsWith($"{File}:1: rules[0] 'publish': unknown key \"clas\"", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith($"{File}:1: rules[0] 'publish': \"class\" must be", StringComparison.Ordinal) && e.EndsWith("not missing", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{ "methods": ["PUT"], "path": "/{package}", "class": "writes" }""", "rules[0]: \"action\" must be one of the gateway's npm actions")]
    [InlineData("""{ "action": "", "methods": ["PUT"], "path": "/{package}", "class": "writes" }""", "rules[0] '': \"action\" must be one of the gateway's npm actions")]
    [InlineData("""{ "action": "Publish", "methods": ["PUT"], "path": "/{package}", "class": "writes" }""", "rules[0] 'Publish': \"action\" must be one of the gateway's npm actions")]
    [InlineData("""{ "action": "dist tag", "methods": ["PUT"], "path": "/{package}", "class": "writes" }""", "rules[0] 'dist tag': \"action\" must be one of the gateway's npm actions")]
    [InlineData("""{ "action": "publish", "path": "/{package}", "class": "writes" }""", "rules[0] 'publish': \"methods\" must be a non-empty array")]
    [InlineData("""{ "action": "publish", "methods": [], "path": "/{package}", "class": "writes" }""", "rules[0] 'publish': \"methods\" must be a non-empty array")]
    [InlineData("""{ "action": "publish", "methods": "PUT", "path": "/{package}", "class": "writes" }""", "rules[0] 'publish': \"methods\" must be a non-empty array")]
    [InlineData("""{ "action": "publish", "methods": ["put"], "path": "/{package}", "class": "writes" }""", "rules[0] 'publish': method \"put\" is not an upper-case HTTP method")]
    [InlineData("""{ "action": "publish", "methods": [1], "path": "/{package}", "class": "writes" }""", "rules[0] 'publish': method 1 is not an upper-case HTTP method")]
    [InlineData("""{ "action": "publish", "methods": ["PUT"], "class": "writes" }""", "rules[0] 'publish': \"path\" is required")]
    [InlineData("""{ "action": "publish", "methods": ["PUT"], "path": "{package}", "class": "writes" }""", "rules[0] 'publish': path \"{package}\" must start with '/'")]
    [InlineData("""{ "action": "publish", "methods": ["PUT"], "path": "/{package}/{*x}/y", "class": "writes" }""", "rules[0] 'publish': path \"/{package}/{*x}/y\" segment '{*x}' catch-all must be a whole, final segment")]
    [InlineData("""{ "action": "publish", "methods": ["PUT"], "path": "/{package}", "class": "strict" }""", "rules[0] 'publish': \"class\" must be \"auth\", \"writes\" or \"none\", not \"strict\"")]
    [InlineData("""{ "action": "publish", "methods": ["PUT"], "path": "/{package}", "class": "Writes" }""", "rules[0] 'publish': \"class\" must be \"auth\", \"writes\" or \"none\", not \"Writes\"")]
    [InlineData("""{ "action": "packument", "methods": ["GET"], "path": "/{package}", "class": "none", "body": { "requiredKeys": ["x"] } }""", "rules[0] 'packument': a \"body\" condition needs a method that carries a body, not GET")]
    [InlineData("""{ "action": "star", "methods": ["PUT"], "path": "/{package}", "class": "none", "body": {} }""", "rules[0] 'star': \"body\" has no condition")]
    [InlineData("""{ "action": "star", "methods": ["PUT"], "path": "/{package}", "class": "none", "body": "users" }""", "rules[0] 'star': \"body\" must be an object")]
    [InlineData("""{ "action": "star", "methods": ["PUT"], "path": "/{package}", "class": "none", "body": { "onlykeys": ["users"], "requiredKeys": ["users"] } }""", "rules[0] 'star': body: unknown key \"onlykeys\"")]
    [InlineData("""{ "action": "star", "methods": ["PUT"], "path": "/{package}", "class": "none", "body": { "onlyKeys": ["users", 1] } }""", "rules[0] 'star': body.onlyKeys must be an array of strings")]
    [InlineData("""{ "action": "star", "methods": ["PUT"], "path": "/{package}", "class": "none", "body": { "requiredKeys": "users" } }""", "rules[0] 'star': body.requiredKeys must be an array of strings")]
    public void Parse_InvalidRule_NamesFileRuleAndReason(string rule, string expected)
    {
        var errors = ErrorsOf($$"""{ "rules": [{{rule}}] }""");

        Assert.Contains(errors, e => e.StartsWith($"{File}:1: {expected}", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_InvalidSecondRule_NamesItsIndex()
    {
        var errors = ErrorsOf($$"""{ "rules": [{{GoodRule}}, { "action": "owner", "methods": ["put"], "path": "/{package}/-rev/{rev}", "class": "writes" }] }""");

        var error = Assert.Single(errors);
        Assert.StartsWith($"{File}:1: rules[1] 'owner': method \"put\"", error);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("1048577")]
    [InlineData("1.5")]
    [InlineData("\"64k\"")]
    public void Parse_MaxBodyBytesOutOfRange_NamesValue(string value)
    {
        var error = Assert.Single(ErrorsOf($$"""{ "maxBodyBytes": {{value}}, "rules": [{{GoodRule}}] }"""));

        Assert.Equal($"{File}: \"maxBodyBytes\" must be a whole number from 1 to 1048576, not {value}", error);
    }

    [Fact]
    public void Parse_MaxBodyBytesGiven_IsUsed()
    {
        var policy = RoutePolicyParser.Parse(File, requireBuiltInActions: false, json: $$"""{ "maxBodyBytes": 1024, "rules": [{{GoodRule}}] }""");

        Assert.Equal(1024, policy.MaxBodyBytes);
    }

    [Fact]
    public void Parse_MaxBodyBytesAbsent_UsesDefault()
    {
        var policy = RoutePolicyParser.Parse(File, requireBuiltInActions: false, json: $$"""{ "rules": [{{GoodRule}}] }""");

        Assert.Equal(RoutePolicyParser.DefaultMaxBodyBytes, policy.MaxBodyBytes);
    }

    [Fact]
    public void Parse_RuleAfterBodylessRuleWithSameMethodAndPath_IsReportedShadowed()
    {
        var errors = ErrorsOf($$"""
            { "rules": [
              {{GoodRule}},
              { "action": "star", "methods": ["PUT"], "path": "/{package}", "class": "none", "body": { "requiredKeys": ["users"] } }
            ] }
            """);

        Assert.Contains($"{File}:3: rules[1] 'star': can never match, rules[0] 'publish' ({File}:2) has the same method and path and no body condition", errors);
    }

    [Fact]
    public void Parse_BodyRuleWhoseFallbackIsLaxer_IsRefused()
    {
        // A body the gateway cannot read skips the body rule: it must land on a rule at least as strict.
        var errors = ErrorsOf("""
            { "rules": [
              { "action": "2fa-change", "methods": ["PUT"], "path": "/{package}", "class": "auth", "body": { "requiredKeys": ["tfa"] } },
              { "action": "publish", "methods": ["PUT"], "path": "/{package}", "class": "writes" }
            ] }
            """);

        var error = Assert.Single(errors);
        Assert.StartsWith($"{File}:2: rules[0] '2fa-change': a body condition may only lower the class", error);
    }

    [Fact]
    public void Parse_BodyRuleWithoutFallback_IsRefused()
    {
        var errors = ErrorsOf("""
            { "rules": [ { "action": "star", "methods": ["PUT"], "path": "/{package}", "class": "none", "body": { "requiredKeys": ["users"] } } ] }
            """);

        Assert.Contains(errors, e => e.Contains("a body condition may only lower the class", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{ "action": "login", "methods": ["GET"], "path": "/-/user/{*rest}", "class": "auth", "account": "name" }""", "\"account\" reads the body")]
    [InlineData("""{ "action": "login", "methods": ["PUT"], "path": "/-/user/{*rest}", "class": "writes", "account": "name" }""", "must be class \"auth\"")]
    [InlineData("""{ "action": "login", "methods": ["PUT"], "path": "/-/user/{*rest}", "class": "auth", "account": 3 }""", "\"account\" must name the body key")]
    [InlineData("""{ "action": "x", "methods": ["PUT"], "path": "/x", "class": "auth", "followUp": "yes" }""", "\"followUp\" must be true or false")]
    [InlineData("""{ "action": "x", "methods": ["put"], "path": "/x", "class": "auth" }""", "is not an upper-case HTTP method or \"*\"")]
    public void Parse_BadAccountFollowUpOrMethod_IsReportedWithTheReason(string rule, string reason)
    {
        var errors = ErrorsOf($$"""{ "rules": [ {{rule}} ] }""");

        Assert.Contains(errors, e => e.Contains(reason, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_AnyWriteMethod_MatchesCustomVerbsButNeverReads()
    {
        var policy = RoutePolicyParser.Parse(File, requireBuiltInActions: false, json: """
            { "rules": [ { "action": "registry-user-admin", "methods": ["*"], "path": "/-/user/{*rest}", "class": "auth" } ] }
            """);

        foreach (var method in new[] { "PUT", "DELETE", "PURGE", "put" })
        {
            Assert.Equal("registry-user-admin", policy.Classify(method, RequestPath.Parse("/-/user/x"), RequestBody.NotRead, out _)!.Action.Name);
        }

        Assert.Equal("read", policy.Classify("GET", RequestPath.Parse("/-/user/x"), RequestBody.NotRead, out _)!.Action.Name);
    }

    [Fact]
    public void Parse_RuleAfterBodyRuleWithSameMethodAndPath_IsAccepted()
    {
        var policy = RoutePolicyParser.Parse(File, requireBuiltInActions: false, json: $$"""
            { "rules": [
              { "action": "star", "methods": ["PUT"], "path": "/{package}", "class": "none", "body": { "requiredKeys": ["users"] } },
              {{GoodRule}}
            ] }
            """);

        Assert.Equal(2, policy.Rules.Count);
    }

    [Fact]
    public void Parse_SeveralErrors_ReportsAllInOneException()
    {
        var errors = ErrorsOf("""
            {
              "maxBodyBytes": 0,
              "extra": true,
              "rules": [
                { "action": "Publish", "methods": ["PUT"], "path": "/{package}", "class": "writes" },
                { "action": "owner", "methods": ["put"], "path": "/{package}/-rev/{rev}", "class": "writes" },
                { "action": "star", "methods": ["PUT"], "path": "no-slash", "clas": "none" },
                { "action": "packument", "methods": ["GET"], "path": "/{package}", "class": "none", "body": { "requiredKeys": [] } },
              ]
            }
            """);

        Assert.Contains(errors, e => e.Contains("\"maxBodyBytes\"", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("unknown key \"extra\"", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("rules[0] 'Publish'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("rules[1] 'owner': method \"put\"", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("rules[2] 'star': unknown key \"clas\"", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("rules[2] 'star': path \"no-slash\"", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("rules[2] 'star': \"class\" must be", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("rules[3] 'packument': a \"body\" condition", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("rules[3] 'packument': \"body\" has no condition", StringComparison.Ordinal));
        Assert.Equal(9, errors.Count);
        Assert.All(errors, e => Assert.StartsWith(File + ":", e));
    }

    [Fact]
    public void Parse_Exception_NamesFileAndListsEveryError()
    {
        var e = Assert.Throws<PolicyFileException>(() => RoutePolicyParser.Parse(File, requireBuiltInActions: false, json: """{ "rules": [], "x": 1 }"""));

        Assert.Equal(File, e.File);
        Assert.Equal(2, e.Errors.Count);
        Assert.All(e.Errors, error => Assert.Contains(error, e.Message));
        Assert.Contains(File, e.Message);
    }

    [Fact]
    public void Parse_CommentsAndTrailingCommas_AreAllowed()
    {
        var policy = RoutePolicyParser.Parse(File, requireBuiltInActions: false, json: $$"""
            // operators annotate the file
            { "rules": [ {{GoodRule}}, ], }
            """);

        Assert.Single(policy.Rules);
    }

    [Fact]
    public void Load_MissingFile_ThrowsNamingFile()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"no-such-policy-{Guid.NewGuid():N}.json");

        var e = Assert.Throws<PolicyFileException>(() => RoutePolicyParser.Load(missing));

        Assert.StartsWith($"{missing}: cannot be read", Assert.Single(e.Errors));
    }

    [Fact]
    public void Load_RealPolicyFile_Parses()
    {
        var policy = RoutePolicyParser.Load(RepoPaths.RoutePolicy);

        Assert.Equal(RepoPaths.RoutePolicy, policy.Source);
        Assert.True(policy.Rules.Count > 40);
        Assert.Equal(65536, policy.MaxBodyBytes);
        Assert.Equal(Enumerable.Range(0, policy.Rules.Count), policy.Rules.Select(r => r.Index));
    }

    private static IReadOnlyList<string> ErrorsOf(string json)
    {
        var e = Assert.Throws<PolicyFileException>(() => RoutePolicyParser.Parse(File, json, requireBuiltInActions: false));
        Assert.Equal(File, e.File);
        return e.Errors;
    }

    [Theory]
    [InlineData("nexus.json", "GET", "/service/rest/internal/current-user/user-token", "registry-user-token")]
    [InlineData("nexus.json", "PUT", "/repository/npm-hosted/-/user/org.couchdb.user:bob", "login")]
    [InlineData("artifactory.json", "GET", "/artifactory/api/npm/auth", "registry-npm-auth")]
    [InlineData("artifactory.json", "POST", "/access/api/v1/tokens", "registry-token-create")]
    public void Load_ShippedPolicyIncludingASideDoorFile_ClassifiesItsEndpointsAsAuthFirst(string sideDoors, string method, string path, string action)
    {
        var folder = Directory.CreateTempSubdirectory("policy-include").FullName;
        try
        {
            var shipped = System.Text.Json.Nodes.JsonNode.Parse(System.IO.File.ReadAllText(RepoPaths.RoutePolicy))!.AsObject();
            shipped["include"] = new System.Text.Json.Nodes.JsonArray(Path.Combine(RepoPaths.Root, "config", "side-doors", sideDoors));
            var file = Path.Combine(folder, "route-policy.json");
            System.IO.File.WriteAllText(file, shipped.ToJsonString());

            var classification = RoutePolicyParser.Load(file).Classify(method, RequestPath.Parse(path), RequestBody.NotRead, out _)!;

            Assert.Equal(action, classification.Action.Name);
            Assert.Equal(ProtectionClass.Auth, classification.Class);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Load_IncludeThatIsMissing_IsReportedWithItsName()
    {
        var errors = ErrorsOf($$"""{ "include": ["side-doors/none.json"], "rules": [ {{GoodRule}} ] }""");

        Assert.Contains(errors, e => e.Contains("include \"side-doors/none.json\" cannot be read", StringComparison.Ordinal));
    }
}

using System.Text.Json.Nodes;
using static Gateway.IntegrationTests.Fuzz.RequestPathSpec;

namespace Gateway.IntegrationTests.Fuzz;

/// <summary>
/// Every protected action of the npm catalogue (docs/PROTOCOL.md#3-write-operations, #4-web-flows, #5-couch-login, and Verdaccio's own routes, #8-verdaccio-68), plus two
/// class-none controls (star, logout) that must never be reported. Each entry is the request a real client
/// would send for the action, aimed at the victim packages or at the attacker's own account.
/// </summary>
internal static class ActionCatalogue
{
    private static readonly FirstFactor[] s_token = [FirstFactor.Bearer, FirstFactor.Basic];
    private static readonly FirstFactor[] s_any = [FirstFactor.Bearer, FirstFactor.Basic, FirstFactor.None];
    private static readonly string[] s_starCover = ["_id", "users", "_rev"];

    public static IReadOnlyList<ProtectedAction> All { get; } =
    [
        // class writes: alice only (bob is auth-only, his writes need no second factor by design)
        new("publish-version", "PUT", false, i => Of(Package(i.Victim.Name)), i => NewVersion(i, i.Victim.Name), s_token, s_starCover),
        new("publish-new-package", "PUT", false, i => Of(Package(NewPackage(i))), i => NewVersion(i, NewPackage(i)), s_token, s_starCover),
        new("unpublish-put", "PUT", false, i => Of(Package(i.Victim.Name), "-rev", Value(i.Victim.Rev)), WithoutFirstVersion, s_token, ["_id", "_rev", "maintainers"]),
        new("unpublish-delete", "DELETE", false, i => Of(Package(i.Victim.Name), "-rev", Value(i.Victim.Rev)), _ => null, s_token),
        new("unpublish-tarball", "DELETE", false, i => Of(Package(i.Victim.Name), "-", Value(i.Victim.TarballName("1.0.0")), "-rev", Value(i.Victim.Rev)), _ => null, s_token),
        new("deprecate", "PUT", false, i => Of(Package(i.Victim.Name)), Deprecated, s_token, s_starCover),
        new("dist-tag-add", "PUT", false, i => Of("-", "package", Package(i.Victim.Name), "dist-tags", Value(AttackTag(i))), _ => JsonValue.Create("1.0.0"), s_token),
        new("dist-tag-rm", "DELETE", false, i => Of("-", "package", Package(i.Victim.Name), "dist-tags", Value(i.Victim.Tag)), _ => null, s_token),
        new("dist-tag-merge-post", "POST", false, i => Of("-", "package", Package(i.Victim.Name), "dist-tags"), i => new JsonObject { [AttackTag(i)] = "1.0.0" }, s_token, ["_id"]),
        new("dist-tag-merge-put", "PUT", false, i => Of("-", "package", Package(i.Victim.Name), "dist-tags"), i => new JsonObject { [AttackTag(i)] = "1.0.0" }, s_token, ["_id"]),
        new("dist-tag-legacy", "PUT", false, i => Of(Package(i.Victim.Name), Value(AttackTag(i))), _ => JsonValue.Create("1.0.0"), s_token),
        new("dist-tag-version-tag", "PUT", false, i => Of(Package(i.Victim.Name), Value("1.0.0"), "-tag", Value(AttackTag(i))), i => Manifest(i.Victim.Name, "1.0.0"), s_token),
        new("owner", "PUT", false, i => Of(Package(i.Victim.Name), "-rev", Value(i.Victim.Rev)), Owners, s_token, ["_id", "_rev", "maintainers"]),
        new("access", "POST", false, i => Of("-", "package", Package(i.Victim.Name), "access"), _ => new JsonObject { ["access"] = "public", ["publish_requires_tfa"] = false }, s_token),
        new("team-grant", "PUT", false, _ => Of("-", "team", "fuzz", "devs", "package"), i => new JsonObject { ["package"] = i.Victim.Name, ["permissions"] = "read-write" }, s_token),
        new("org-set", "PUT", false, _ => Of("-", "org", "fuzz", "user"), i => new JsonObject { ["user"] = i.World.Nobody, ["role"] = "owner" }, s_token),
        new("star-smuggle", "PUT", false, i => Of(Package(i.Victim.Name)), StarWithSmuggledKey, s_token, s_starCover),
        new("star", "PUT", false, i => Of(Package(i.Victim.Name)), Star, s_token), // class-none control
        new("logout", "DELETE", false, i => Of("-", "user", "token", Value(Uri.EscapeDataString(i.Actor.Token))), _ => null, [FirstFactor.Bearer]), // class-none control
        new("tarball-upload", "PUT", false, i => Of(Package(i.Victim.Name), "-", Value(i.Victim.TarballName("9.9.9")), "whatever"), _ => null, s_token,
            ContentType: "application/octet-stream", RawBody: i => Convert.FromBase64String(i.World.TarballBase64)),

        // class auth: alice and bob
        new("token-create", "POST", true, _ => Of("-", "npm", "v1", "tokens"), i => new JsonObject { ["password"] = i.Actor.Password, ["readonly"] = false, ["cidr_whitelist"] = new JsonArray() }, s_token, ["readonly"]),
        new("token-revoke", "DELETE", true, i => Of("-", "npm", "v1", "tokens", "token", Value(i.Actor.SpareTokenKey)), _ => null, s_token),
        new("login", "PUT", true, i => Of("-", "user", LoginPathUser.Segment(i)), CouchUser, s_any, ["_id", "password", "type", "roles"]),
        new("login-rev", "PUT", true, i => Of("-", "user", LoginPathUser.Segment(i), "-rev", Value("undefined")), CouchUser, s_any, ["_id", "password", "type", "roles"]),
        new("profile-password", "POST", true, _ => Of("-", "npm", "v1", "user"), i => new JsonObject { ["password"] = new JsonObject { ["old"] = i.Actor.Password, ["new"] = $"pwned-{i.Index}-Aa1" } }, s_token, ["email"]),
        new("profile-set", "POST", true, _ => Of("-", "npm", "v1", "user"), _ => new JsonObject { ["email"] = "thief@example.com", ["fullname"] = "thief" }, s_token),
        new("tfa-disable", "POST", true, _ => Of("-", "npm", "v1", "user"), i => new JsonObject { ["tfa"] = new JsonObject { ["password"] = i.Actor.Password, ["mode"] = "disable" } }, s_token, ["email"]),
        new("tfa-mode", "POST", true, _ => Of("-", "npm", "v1", "user"), i => new JsonObject { ["tfa"] = new JsonObject { ["password"] = i.Actor.Password, ["mode"] = i.Actor.NeedsCodeForWrites ? "auth-only" : "auth-and-writes" } }, s_token),
        new("web-login", "POST", true, _ => Of("-", "v1", "login"), i => i.Random.Next(2) == 0 ? new JsonObject() : new JsonObject { ["create"] = true }, s_any),
        new("verdaccio-ui-login", "POST", true, _ => Of("-", "verdaccio", "sec", "login"), i => new JsonObject { ["username"] = i.Actor.Name, ["password"] = i.Actor.Password }, s_any, ["password"]),
        new("verdaccio-ui-reset-password", "PUT", true, _ => Of("-", "verdaccio", "sec", "reset_password"), i => new JsonObject { ["password"] = new JsonObject { ["old"] = i.Actor.Password, ["new"] = $"pwned-{i.Index}-Aa1" } }, s_token),
    ];

    private static string NewPackage(ActionInput i) =>
        i.Victim.Name.StartsWith('@') ? $"@fuzz/fresh-{i.Index}" : $"fuzz-fresh-{i.Index}";

    private static string AttackTag(ActionInput i) => i.Random.Next(3) == 0 ? "latest" : "pwned";

    private static JsonObject NewVersion(ActionInput i, string name) =>
        FuzzWorldBuilder.PublishDocument(name, $"9.0.{i.Index}", i.World.TarballBase64);

    private static JsonObject Manifest(string name, string version) => new() { ["name"] = name, ["version"] = version };

    private static JsonObject Packument(ActionInput i) => JsonNode.Parse(i.Victim.PackumentJson)!.AsObject();

    private static JsonObject WithoutFirstVersion(ActionInput i)
    {
        var packument = Packument(i);
        packument["versions"]!.AsObject().Remove("1.0.0");
        packument["time"]?.AsObject().Remove("1.0.0");
        packument["dist-tags"]!.AsObject().Remove(i.Victim.Tag);
        packument.Remove("_attachments");
        return packument;
    }

    private static JsonObject Deprecated(ActionInput i)
    {
        var packument = Packument(i);
        packument["versions"]!["1.0.0"]!.AsObject()["deprecated"] = "pwned";
        switch (i.Random.Next(3))
        {
            case 0: packument["_attachments"] = new JsonObject(); break;
            case 1: packument["_attachments"] = null; break;
            default: packument.Remove("_attachments"); break;
        }

        return packument;
    }

    private static JsonObject Owners(ActionInput i) => new()
    {
        ["_id"] = i.Victim.Name,
        ["_rev"] = i.Victim.Rev,
        ["maintainers"] = new JsonArray(new JsonObject { ["name"] = i.World.Nobody, ["email"] = "thief@example.com" }),
    };

    private static JsonObject Star(ActionInput i) => new()
    {
        ["_id"] = i.Victim.Name,
        ["_rev"] = i.Victim.Rev,
        ["users"] = new JsonObject { [i.Actor.Name] = i.Random.Next(2) == 0 },
    };

    private static JsonObject StarWithSmuggledKey(ActionInput i)
    {
        var star = Star(i);
        var publish = NewVersion(i, i.Victim.Name);
        string[] smuggled = ["dist-tags", "versions", "_attachments", "maintainers", "time", "readme", "name"];
        var key = smuggled[i.Random.Next(smuggled.Length)];
        star[key] = key switch
        {
            "maintainers" => new JsonArray(new JsonObject { ["name"] = i.World.Nobody }),
            "time" => new JsonObject { ["1.0.0"] = "2000-01-01T00:00:00.000Z" },
            "readme" => "pwned",
            "name" => i.Victim.Name,
            _ => publish[key]!.DeepClone(),
        };
        return star;
    }

    private static JsonObject CouchUser(ActionInput i) => new()
    {
        ["_id"] = $"org.couchdb.user:{i.Actor.Name}",
        ["name"] = i.Actor.Name,
        ["password"] = i.Actor.Password,
        ["type"] = "user",
        ["roles"] = new JsonArray(),
        ["date"] = "2026-11-27T00:00:00.000Z",
    };
}

using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Gateway.TwoFactor;

namespace Gateway.Tests.Hosting;

/// <summary>
/// The "Staged releases" page in process, in front of the stub registry: what a signed-in user may approve (the stager,
/// the package's maintainers), the files read from the staged tarball, approve with a code and the password (the
/// registry receives the held publish with the approver's Basic credential), the registry's refusal kept on the page,
/// reject, an account without 2FA, a stranger, and the antiforgery token every form needs.
/// </summary>
/// <remarks>
/// Each user signs in before enabling 2FA (a password-only session): the page then asks a second factor in every form,
/// and the code entered there (one step ahead of the enrolment's, so never a replay of it) is what is verified.
/// </remarks>
public sealed partial class StagedPagesHostTests(GatewayHost host) : IClassFixture<GatewayHost>
{
    private const string Page = "/-/gateway/staged/";

    [Fact]
    public async Task Page_ListsTheStagersRelease_WithItsFiles_RegistryRefusalKeepsIt_ApproveWithCodeAndPasswordPublishesWithBasic()
    {
        using var browser = await SignInAsync("paula");
        var key = await host.EnrolAsync("paula");
        var version = "1.0." + Random.Shared.Next(1_000_000);
        var (body, tarball) = Document("stage-ok", version, ["package/package.json", "package/index.js", "package/<b>bold</b>.js"]);
        var id = await StageAsync("paula", "stage-ok", body);
        var taken = await StageAsync("paula", "stage-taken", Document("stage-taken", version, ["package/package.json"]).Body);

        var html = await ReadPageAsync(browser);
        var section = Section(html, id);
        Assert.Contains("<code class=\"package\">stage-ok</code>@<code class=\"version\">" + version + "</code>", section, StringComparison.Ordinal);
        Assert.Contains("<code class=\"tag\">latest</code>", section, StringComparison.Ordinal);
        Assert.Contains("<dd class=\"actor\">paula</dd>", section, StringComparison.Ordinal);
        Assert.Contains($"<dd class=\"size\">{tarball.Length.ToString("N0", CultureInfo.InvariantCulture)} bytes</dd>", section, StringComparison.Ordinal);
        Assert.Contains($"<code class=\"shasum\">{Convert.ToHexStringLower(SHA1.HashData(tarball))}</code>", section, StringComparison.Ordinal);
        Assert.Equal(["package/package.json", "package/index.js", "package/&lt;b&gt;bold&lt;/b&gt;.js"], FileNames(section));
        Assert.Contains(taken, html, StringComparison.Ordinal);

        // The registry refuses one (the version taken meanwhile): said on the page, the stage kept.
        var code = TotpCodes.Compute(key, DateTimeOffset.UtcNow.AddSeconds(TotpCodes.StepSeconds));
        using var refused = await PostAsync(browser, html, $"{Page}{taken}/approve", ("password", "paula-password"), ("code", code));
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("is already published", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains(taken, await ReadPageAsync(browser), StringComparison.Ordinal);

        var putsBefore = host.Registry.Requests.Count(r => r.Method == "PUT");
        using var approved = await PostAsync(browser, await ReadPageAsync(browser), $"{Page}{id}/approve", ("password", "paula-password"), ("code", code));
        var answer = await approved.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        Assert.Contains($"stage-ok@{version} approved and published.", answer, StringComparison.Ordinal);
        Assert.DoesNotContain(id, answer, StringComparison.Ordinal);
        var put = Assert.Single(host.Registry.Requests.Where(r => r.Method == "PUT").Skip(putsBefore));
        Assert.Equal("/stage-ok", put.RawTarget);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("paula:paula-password")), put.Headers["Authorization"]);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body))), put.BodySha256);
        var audit = await AuditAsync();
        Assert.Contains(audit, e => e.Contains("\"type\":\"stage-approved\"", StringComparison.Ordinal) && e.Contains("\"user\":\"paula\"", StringComparison.Ordinal)
            && e.Contains(id, StringComparison.Ordinal));
        Assert.DoesNotContain(audit, e => e.Contains("paula-password", StringComparison.Ordinal));
        Assert.DoesNotContain(host.Logs.Entries, e => e.Message.Contains("paula-password", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Reject_WithCode_RemovesTheStage_AndRecordsWhoRejected()
    {
        using var browser = await SignInAsync("rita");
        var key = await host.EnrolAsync("rita");
        var id = await StageAsync("rita", "stage-ok", Document("stage-ok", "4.0." + Random.Shared.Next(1_000_000), ["package/package.json"]).Body);
        var putsBefore = host.Registry.Requests.Count(r => r.Method == "PUT");

        using var withoutFactor = await PostAsync(browser, await ReadPageAsync(browser), $"{Page}{id}/reject");
        Assert.Equal(HttpStatusCode.Unauthorized, withoutFactor.StatusCode);
        var code = TotpCodes.Compute(key, DateTimeOffset.UtcNow.AddSeconds(TotpCodes.StepSeconds));
        using var rejected = await PostAsync(browser, await ReadPageAsync(browser), $"{Page}{id}/reject", ("code", code));

        Assert.Equal(HttpStatusCode.OK, rejected.StatusCode);
        Assert.Contains("rejected: it will not be published.", await rejected.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var gone = await host.Client.SendAsync(GatewayHost.As("rita", HttpMethod.Get, $"/-/stage/{id}"));
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal(putsBefore, host.Registry.Requests.Count(r => r.Method == "PUT"));
        Assert.Contains(await AuditAsync(), e => e.Contains("\"type\":\"stage-rejected\"", StringComparison.Ordinal)
            && e.Contains("\"user\":\"rita\"", StringComparison.Ordinal) && e.Contains(id, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Approve_WithAValidCodeButAWrongPassword_PublishesNothing_AndIsInTheAccountsHistory()
    {
        // A signed-in session with a second factor, but not the account's password (a borrowed session): nothing is
        // sent to the registry, and the attempt is the account's own history, never the password it tried.
        using var browser = await SignInAsync("walt");
        var key = await host.EnrolAsync("walt");
        var id = await StageAsync("walt", "stage-ok", Document("stage-ok", "7.0." + Random.Shared.Next(1_000_000), ["package/package.json"]).Body);
        var putsBefore = host.Registry.Requests.Count(r => r.Method == "PUT");

        var code = TotpCodes.Compute(key, DateTimeOffset.UtcNow.AddSeconds(TotpCodes.StepSeconds));
        using var refused = await PostAsync(browser, await ReadPageAsync(browser), $"{Page}{id}/approve", ("password", "walt-guess-1"), ("code", code));

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("The password is not correct; nothing was published.", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(putsBefore, host.Registry.Requests.Count(r => r.Method == "PUT"));
        Assert.Contains(id, await ReadPageAsync(browser), StringComparison.Ordinal);
        var audit = await AuditAsync();
        Assert.Contains(audit, e => e.Contains("\"type\":\"sign-in-refused\"", StringComparison.Ordinal) && e.Contains("\"user\":\"walt\"", StringComparison.Ordinal)
            && e.Contains("\"action\":\"stage-approve\"", StringComparison.Ordinal) && e.Contains("\"package\":\"stage-ok\"", StringComparison.Ordinal));
        Assert.DoesNotContain(audit, e => e.Contains("walt-guess-1", StringComparison.Ordinal));
        Assert.DoesNotContain(host.Logs.Entries, e => e.Message.Contains("walt-guess-1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WithoutTwoFactor_ThePageSaysToEnableIt_AndApprovingIsRefused()
    {
        using var browser = await SignInAsync("nora");
        var id = await StageAsync("nora", "stage-ok", Document("stage-ok", "5.0." + Random.Shared.Next(1_000_000), ["package/package.json"]).Body);

        var html = await ReadPageAsync(browser);
        // The page offers no form to an account without 2FA: a form token of the session's, from the account page.
        using var refused = await PostAsync(browser, await AccountPageAsync(browser), $"{Page}{id}/approve", ("password", "nora-password"));

        Assert.Contains("id=\"enable-2fa\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("class=\"approve\"", Section(html, id), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("need two-factor authentication", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var kept = await host.Client.SendAsync(GatewayHost.As("nora", HttpMethod.Get, $"/-/stage/{id}"));
        Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
    }

    [Fact]
    public async Task FileList_StopsAtItsBound_AndSaysWhenTheTarballIsNotAGzippedTar()
    {
        using var browser = await SignInAsync("fay");
        var many = await StageAsync("fay", "stage-ok", Document("stage-ok", "7.0." + Random.Shared.Next(1_000_000),
            Enumerable.Range(0, 1_001).Select(i => $"package/f{i}.js")).Body);
        var garbage = await StageAsync("fay", "stage-ok", Document("stage-ok", "8.0." + Random.Shared.Next(1_000_000), RandomNumberGenerator.GetBytes(5_000)));

        var html = await ReadPageAsync(browser);

        var listed = FileNames(Section(html, many));
        Assert.Equal(1_000, listed.Count);
        Assert.Equal(("package/f0.js", "package/f999.js"), (listed[0], listed[^1]));
        Assert.Contains("class=\"files-cut\"", Section(html, many), StringComparison.Ordinal);
        Assert.Empty(FileNames(Section(html, garbage)));
        Assert.Contains("files-unreadable", Section(html, garbage), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheMaintainerSeesIt_SomeoneElseSeesNothingAndCannotReject()
    {
        var id = await StageAsync("paco", "stage-team", Document("stage-team", "1.0." + Random.Shared.Next(1_000_000), ["package/package.json"]).Body);
        using var maintainer = await SignInAsync("mia");
        using var stranger = await SignInAsync("mallory");
        var key = await host.EnrolAsync("mallory");

        var maintainersPage = await ReadPageAsync(maintainer);
        var strangersPage = await ReadPageAsync(stranger);
        var code = TotpCodes.Compute(key, DateTimeOffset.UtcNow.AddSeconds(TotpCodes.StepSeconds));
        using var refused = await PostAsync(stranger, await AccountPageAsync(stranger), $"{Page}{id}/reject", ("code", code));

        Assert.Contains($"id=\"stage-{id}\"", maintainersPage, StringComparison.Ordinal);
        Assert.DoesNotContain(id, strangersPage, StringComparison.Ordinal);
        Assert.Contains("id=\"no-staged\"", strangersPage, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        using var kept = await host.Client.SendAsync(GatewayHost.As("paco", HttpMethod.Get, $"/-/stage/{id}"));
        Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
    }

    [Fact]
    public async Task Stranger_IsSentToSignIn_AndAFormWithoutItsAntiforgeryTokenIsRefused()
    {
        using var anonymous = host.NewBrowser();
        using var redirected = await anonymous.GetAsync(Page);
        Assert.Equal(HttpStatusCode.Redirect, redirected.StatusCode);
        Assert.Equal("/-/gateway/sign-in", redirected.Headers.Location!.AbsolutePath);

        using var browser = await SignInAsync("abe");
        var key = await host.EnrolAsync("abe");
        var id = await StageAsync("abe", "stage-ok", Document("stage-ok", "6.0." + Random.Shared.Next(1_000_000), ["package/package.json"]).Body);
        var putsBefore = host.Registry.Requests.Count(r => r.Method == "PUT");
        using var forged = await browser.PostAsync($"{Page}{id}/approve", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["password"] = "abe-password",
            ["code"] = TotpCodes.Compute(key, DateTimeOffset.UtcNow.AddSeconds(TotpCodes.StepSeconds)),
        }));

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(putsBefore, host.Registry.Requests.Count(r => r.Method == "PUT"));
        Assert.Contains(id, await ReadPageAsync(browser), StringComparison.Ordinal);
    }

    /// <summary>A browser signed in with the password alone (the user has no 2FA yet).</summary>
    private async Task<HttpClient> SignInAsync(string user)
    {
        var browser = host.NewBrowser();
        var form = await (await browser.GetAsync("/-/gateway/sign-in")).Content.ReadAsStringAsync();
        using var signedIn = await browser.PostAsync("/-/gateway/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Token(form),
            ["username"] = user,
            ["password"] = user + "-password",
        }));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return browser;
    }

    private static async Task<string> ReadPageAsync(HttpClient browser)
    {
        using var response = await browser.GetAsync(Page);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {html}");
        return html;
    }

    private static async Task<string> AccountPageAsync(HttpClient browser) => await (await browser.GetAsync("/-/gateway/account/")).Content.ReadAsStringAsync();

    private static Task<HttpResponseMessage> PostAsync(HttpClient browser, string page, string action, params (string Name, string Value)[] fields) =>
        browser.PostAsync(action, new FormUrlEncodedContent(fields.Select(f => KeyValuePair.Create(f.Name, f.Value))
            .Append(KeyValuePair.Create("__RequestVerificationToken", Token(page)))));

    private async Task<string> StageAsync(string user, string package, string body)
    {
        using var staged = await host.Client.SendAsync(GatewayHost.As(user, HttpMethod.Post, $"/-/stage/package/{package}", body));
        var text = await staged.Content.ReadAsStringAsync();
        Assert.True(staged.StatusCode == HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("stageId").GetString()!;
    }

    private async Task<List<string>> AuditAsync() =>
        [.. (await host.StoreClient.GetDatabase().ListRangeAsync("gw:audit", 0, 100)).Select(e => e.ToString())];

    private static string Section(string html, string id)
    {
        var match = Regex.Match(html, $"(?s)<section class=\"staged-release\" id=\"stage-{id}\">.*?</section>");
        Assert.True(match.Success, $"no section for stage {id}");
        return match.Value;
    }

    private static List<string> FileNames(string section) => [.. FileName().Matches(section).Select(m => m.Groups[1].Value)];

    private static string Token(string page)
    {
        var token = AntiforgeryField().Match(page).Groups[1].Value;
        Assert.NotEmpty(token);
        return WebUtility.HtmlDecode(token);
    }

    /// <summary>A publish document as npm sends it, whose tarball is a gzip'd tar of the given files.</summary>
    private static (string Body, byte[] Tarball) Document(string package, string version, IEnumerable<string> files)
    {
        var gzipped = new MemoryStream();
        using (var gzip = new GZipStream(gzipped, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Ustar))
        {
            foreach (var file in files)
            {
                tar.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, file) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(package + version)) });
            }
        }

        var tarball = gzipped.ToArray();
        return (Document(package, version, tarball), tarball);
    }

    private static string Document(string package, string version, byte[] tarball)
    {
        var dist = $$"""{"integrity":"sha512-{{Convert.ToBase64String(SHA512.HashData(tarball))}}","shasum":"{{Convert.ToHexStringLower(SHA1.HashData(tarball))}}"}""";
        var manifest = $$"""{"name":"{{package}}","version":"{{version}}","dist":""" + dist + "}";
        return $$"""{"_id":"{{package}}","name":"{{package}}","dist-tags":{"latest":"{{version}}"},"versions":{"{{version}}":""" + manifest
            + $$"""},"access":null,"_attachments":{"{{package}}-{{version}}.tgz":{"content_type":"application/octet-stream","data":"{{Convert.ToBase64String(tarball)}}","length":{{tarball.Length}} """.TrimEnd() + "}}}";
    }

    [GeneratedRegex("<li class=\"file\">([^<]*)</li>")]
    private static partial Regex FileName();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}

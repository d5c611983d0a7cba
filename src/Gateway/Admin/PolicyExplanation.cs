using System.Net;
using Gateway.Accounts;
using Gateway.Automation;
using Gateway.Policy;

namespace Gateway.Admin;

/// <summary>Everything <c>policy explain</c> knows about one request beyond its classification.</summary>
/// <param name="Mode">The caller's mode; null: not given, so each mode is shown in turn.</param>
/// <param name="MaintainedScopes">Scopes the user published into through the gateway (null: not read).</param>
/// <param name="ReportOnly">Report-only applies to this request (<c>Gateway:Enforcement</c>, or its scope's rule).</param>
internal sealed record ExplainFacts(
    RequestClassification Request,
    PackageRulesFile Rules,
    string RulesSource,
    PackageMfa? StoredPackageRule,
    string? User,
    TwoFactorMode? Mode,
    string ModeSource,
    IReadOnlyCollection<string>? MaintainedScopes,
    TokenAttributes? Token,
    bool UnrecordedToken,
    TokenOptions TokenOptions,
    bool ReportOnly,
    IPAddress? From,
    DateTimeOffset Now);

/// <summary>
/// The lines <c>policy explain</c> prints after the classification: the package's rule and where it comes from,
/// the scope's requirement, the caller and token, and the decision — made by <see cref="WriteRules.Decide"/>, the
/// rule stage 3b applies to live requests, so the explanation cannot drift from what the gateway does.
/// </summary>
internal static class PolicyExplanation
{
    private static readonly TwoFactorMode[] EveryMode = [TwoFactorMode.Disabled, TwoFactorMode.AuthOnly, TwoFactorMode.AuthAndWrites];

    public static void Write(ExplainFacts facts, TextWriter output)
    {
        var request = facts.Request;
        var packageRule = PackageRule(facts, out var ruleSource);
        var scope = facts.Rules.ScopeOf(request.Package);
        output.WriteLine($"package rule: {(request.Package is null ? "(no package named)" : $"{packageRule.ToWire()} ({ruleSource})")}");
        if (request.Action.PublishesDirectly && facts.Rules.StagingFor(request.Package) is var staging and not StagedPublishing.None)
        {
            output.WriteLine($"staging:      {staging.ToWire()} ({facts.RulesSource})");
        }

        output.WriteLine($"scope:        {(scope is null ? "(no scope rule)" : $"{scope.Scope} requires {scope.Require.ToWire()} of everyone who writes to it{(scope.ReportOnly ? " (report-only)" : "")}")}");
        output.WriteLine($"caller:       {(facts.User is null ? "" : facts.User + ", ")}{(facts.Mode is { } mode ? $"{mode.ToWire()} ({facts.ModeSource})" : "mode not given: each mode below")}");
        if (facts.User is not null && facts.MaintainedScopes is not null)
        {
            var (required, memberOf) = facts.Rules.MemberRequirement(facts.User, facts.MaintainedScopes);
            output.WriteLine($"member of:    {(memberOf is null ? "(no scope that requires 2FA)" : $"{memberOf}: cannot disable 2FA or go below {required.ToWire()}")}");
        }

        output.WriteLine($"token:        {DescribeToken(facts)}");
        var modes = facts.Mode is { } given ? [given] : EveryMode;
        for (var i = 0; i < modes.Length; i++)
        {
            var verdict = WriteRules.Decide(request, modes[i], facts.Token, facts.UnrecordedToken, facts.TokenOptions, packageRule, facts.From, facts.Now, scope,
                facts.Rules.StagingFor(request.Package));
            var label = facts.Mode is null ? $"{modes[i].ToWire(),-16}" : "";
            output.WriteLine($"{(i == 0 ? "decision:     " : "              ")}{label}{Describe(verdict, facts.ReportOnly)}");
        }

        if (Note(request) is { } note)
        {
            output.WriteLine($"note:         {note}");
        }
    }

    private static PackageMfa PackageRule(ExplainFacts facts, out string source)
    {
        if (facts.Request.Package is not { } package)
        {
            source = "";
            return PackageMfa.None;
        }

        if (facts.StoredPackageRule is { } stored)
        {
            source = "set by a maintainer with npm access set mfa";
            return stored;
        }

        var match = facts.Rules.Packages.FirstOrDefault(p => p.Mfa is not null && p.Matches(package));
        source = match is null
            ? $"no default in {facts.RulesSource} matches{(facts.User is null ? "; a maintainer's rule is read from the store only with --user" : ", and no maintainer set one")}"
            : $"default of {facts.RulesSource}: \"{match.Match}\"{(facts.User is null ? "; a maintainer's rule is read from the store only with --user" : "")}";
        return match?.Mfa ?? PackageMfa.None;
    }

    private static string DescribeToken(ExplainFacts facts) =>
        facts.Token is { } token ? TokenSummary.Of(token)
        : facts.UnrecordedToken ? $"a bearer token the gateway has no record of (Gateway:Tokens:Unrecorded = {facts.TokenOptions.Unrecorded})"
        : "none (a session, a login's password, or a token's record not asked for: --token-key, --token-attributes, --unrecorded-token)";

    private static string Describe(WriteVerdict verdict, bool reportOnly) => verdict.Requirement switch
    {
        Requirement.None when verdict.Bypassed => "forwarded without a second factor (bypass-2FA token)",
        Requirement.None => "forwarded, no second factor needed",
        Requirement.SecondFactor when reportOnly => "second factor needed; report-only: forwarded without one and recorded as would-challenge (a code sent is still checked)",
        Requirement.SecondFactor => "second factor needed (npm-otp header, or the web flow): challenged without one",
        _ when verdict.LacksSecondFactor && reportOnly => $"would be refused {verdict.Status} ({verdict.Message}); report-only: forwarded and recorded as would-challenge",
        _ => $"refused {verdict.Status}: {verdict.Message}",
    };

    private static string? Note(RequestClassification request) => request.Action switch
    {
        _ when request.Action == NpmAction.Access => "changing a package's rule also needs the caller to be a maintainer and to send a second factor, whatever their mode",
        _ when request.Action == NpmAction.TokenCreate => "the new token's limits are read from the body (npm token create's fields); an unknown permission is refused",
        _ when request.Action == NpmAction.Login && request.AccountKey is not null => "for an account with 2FA the password is checked at the registry before the code",
        _ => null,
    };
}

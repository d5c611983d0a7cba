using System.Text.RegularExpressions;
using Gateway.Audit;
using Gateway.Automation;

namespace Gateway.Browser;

/// <summary>
/// The account page's staging rule (docs/SECURITY.md, "Staged publishing"): a maintainer of a package — as the registry
/// lists them to anyone, or, where it lists none, a user who published it through the gateway — says its publishes
/// must be staged, for tokens or for everyone, with a second factor (in the form, or a fresh step-up). It only adds to
/// config/package-rules.json: the stricter of the two applies.
/// </summary>
internal static partial class AccountPages
{
    private static Task<IResult> SetPackageStagingAsync(
        HttpContext context, IFormCollection form, [AsParameters] AccountPageServices page, PackageMaintainers maintainers, PackageRuleBook rules, AuditTrail audit) =>
        WithStepUpAsync(context, form, page, FactorRule.FormOrFresh, "set a package's staging rule", async user =>
        {
            var package = form["package"].ToString().Trim();
            if (!PackageName().IsMatch(package))
            {
                return await RefuseAsync(context, page, "That is not an npm package name (name or @scope/name). Nothing was changed.", 400);
            }

            if (!StagedPublishingWire.TryParse(form["staging"].ToString(), out var rule))
            {
                return await RefuseAsync(context, page, "Choose none, required-for-tokens or required. Nothing was changed.", 400);
            }

            // Read as anyone may read it: a page session carries no registry credential.
            var found = await maintainers.OfAsync(package, authorization: "", context.RequestAborted);
            if (!found.Includes(user))
            {
                LogStagingRefused(page.Logger, package, user);
                return await RefuseAsync(context, page, $"Only a maintainer of {package} can change its staging rule. Nothing was changed.", 403);
            }

            await rules.SetStagingAsync(package, rule, context.RequestAborted);
            LogStagingChanged(page.Logger, package, rule.ToWire(), user);
            await audit.RecordAsync(AuditEventTypes.PackageRuleChanged, user, "staging " + rule.ToWire(), "staging", package, context.RequestAborted);
            return await ConfirmAsync(context, page, $"Staging rule of {package} set to {rule.ToWire()}.");
        });

    /// <summary>npm's package names (validate-npm-package-name), old mixed-case ones included.</summary>
    [GeneratedRegex("^(?:@[a-z0-9~-][a-z0-9._~-]*/)?[a-z0-9~-][a-z0-9._~-]{0,213}$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PackageName();

    [LoggerMessage(EventId = LogEvents.PackageStagingChanged, Level = LogLevel.Information, Message = "Staging rule of {Package} set to {Rule} by maintainer {User} on the account page")]
    private static partial void LogStagingChanged(ILogger logger, string package, string rule, string user);

    [LoggerMessage(EventId = LogEvents.PackageStagingRefused, Level = LogLevel.Warning, Message = "Staging rule of {Package}: refused to {User}, not a maintainer")]
    private static partial void LogStagingRefused(ILogger logger, string package, string user);
}

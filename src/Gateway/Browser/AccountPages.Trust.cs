using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gateway.Audit;
using Gateway.Automation;
using Gateway.Policy;
using Gateway.TrustedPublishing;

namespace Gateway.Browser;

/// <summary>
/// The account page's trusted publishers (docs/SECURITY.md, "Trusted publishing"): a maintainer of a package — as the
/// registry lists them to anyone, or, where it lists none, a user who published it through the gateway, as for the
/// staging rule — adds a GitHub workflow as its trusted publisher, or removes it, with a second factor (in the form, or a
/// fresh step-up). Stored through <see cref="TrustBook"/>, so it is the API's one configuration per package: what
/// <c>npm trust list</c> shows, and what <c>npm trust revoke</c> removes.
/// </summary>
internal static partial class AccountPages
{
    private static Task<IResult> AddTrustedPublisherAsync(
        HttpContext context, IFormCollection form, [AsParameters] AccountPageServices page, PackageMaintainers maintainers, TrustBook trust, AuditTrail audit) =>
        WithStepUpAsync(context, form, page, FactorRule.FormOrFresh, "add a trusted publisher", async user =>
        {
            var package = form["package"].ToString().Trim();
            if (!PackageName().IsMatch(package))
            {
                return await RefuseAsync(context, page, "That is not an npm package name (name or @scope/name). Nothing was changed.", 400);
            }

            if (GitHubPublisher(form, out var problem) is not { } configuration)
            {
                return await RefuseAsync(context, page, problem + " Nothing was changed.", 400);
            }

            if (!(await maintainers.OfAsync(package, authorization: "", context.RequestAborted)).Includes(user))
            {
                LogTrustRefused(page.Logger, package, user);
                return await RefuseAsync(context, page, $"Only a maintainer of {package} can change its trusted publishers. Nothing was changed.", 403);
            }

            if (!await trust.CreateAsync(package, configuration, context.RequestAborted))
            {
                return await RefuseAsync(context, page, $"{package} already has a trusted publisher (one per package): remove it first. Nothing was changed.", 409);
            }

            LogTrustChanged(page.Logger, package, "created " + configuration.Id, user);
            await audit.RecordAsync(AuditEventTypes.TrustChanged, user, "created " + configuration.Id + " github (account page)", NpmAction.Trust.Name, package, context.RequestAborted);
            return await ConfirmAsync(context, page, $"Trusted publisher of {package} added: {configuration.Claims["repository"].Exact}, workflow {configuration.Claims["workflow_ref"].File}.");
        });

    private static Task<IResult> RemoveTrustedPublisherAsync(
        HttpContext context, IFormCollection form, [AsParameters] AccountPageServices page, PackageMaintainers maintainers, TrustBook trust, AuditTrail audit) =>
        WithStepUpAsync(context, form, page, FactorRule.FormOrFresh, "remove a trusted publisher", async user =>
        {
            var package = form["package"].ToString().Trim();
            var id = form["id"].ToString();
            if (!PackageName().IsMatch(package) || id.Length is 0 or > 64)
            {
                return await RefuseAsync(context, page, "No such trusted publisher. Nothing was changed.", 400);
            }

            if (!(await maintainers.OfAsync(package, authorization: "", context.RequestAborted)).Includes(user))
            {
                LogTrustRefused(page.Logger, package, user);
                return await RefuseAsync(context, page, $"Only a maintainer of {package} can change its trusted publishers. Nothing was changed.", 403);
            }

            if (!await trust.DeleteAsync(package, id, context.RequestAborted))
            {
                return await RefuseAsync(context, page, $"{package} has no trusted publisher with that id (it may have been removed already). Nothing was changed.", 404);
            }

            LogTrustChanged(page.Logger, package, "revoked " + id, user);
            await audit.RecordAsync(AuditEventTypes.TrustChanged, user, "revoked " + id + " (account page)", NpmAction.Trust.Name, package, context.RequestAborted);
            return await ConfirmAsync(context, page, $"Trusted publisher of {package} removed.");
        });

    /// <summary>Read as anyone may read it: a page session carries no registry credential.</summary>
    /// <summary>
    /// The form's GitHub workflow as npm's trust configuration (what <c>npm trust github --repo --file [--env]</c> posts),
    /// read by <see cref="TrustConfiguration.Parse"/> so the page and the API accept the same configurations.
    /// </summary>
    private static TrustConfiguration? GitHubPublisher(IFormCollection form, out string? problem)
    {
        var repository = form["repository"].ToString().Trim();
        var workflow = form["workflow"].ToString().Trim();
        var environment = form["environment"].ToString().Trim();
        var permissions = form["permission"].Select(p => p switch { "publish" => TrustConfiguration.CreatePackage, "stage" => TrustConfiguration.CreateStagedPackage, _ => null }).ToList();
        problem = null;
        if (!GitHubRepository().IsMatch(repository))
        {
            problem = "The repository must be owner/name.";
        }
        else if (!WorkflowFile().IsMatch(workflow))
        {
            problem = "The workflow must be a file name of .github/workflows/, such as publish.yml.";
        }
        else if (environment.Length > 255 || environment.Any(char.IsControl))
        {
            problem = "The environment must be a GitHub environment's name, or empty.";
        }
        else if (permissions.Count == 0 || permissions.Contains(null))
        {
            problem = "Allow publishing, staging, or both.";
        }

        if (problem is not null)
        {
            return null;
        }

        var claims = new JsonObject { ["repository"] = repository, ["workflow_ref"] = new JsonObject { ["file"] = workflow } };
        if (environment.Length > 0)
        {
            claims["environment"] = environment;
        }

        var json = new JsonObject { ["type"] = "github", ["claims"] = claims, ["permissions"] = new JsonArray([.. permissions.Distinct().Select(p => (JsonNode)JsonValue.Create(p)!)]) };
        using var document = JsonDocument.Parse(json.ToJsonString());
        return TrustConfiguration.Parse(document.RootElement, Guid.NewGuid().ToString(), out problem);
    }

    /// <summary>GitHub's owner/name: letters, digits, <c>-</c>, <c>_</c>, <c>.</c>.</summary>
    [GeneratedRegex("^[A-Za-z0-9_.-]{1,100}/[A-Za-z0-9_.-]{1,100}$", RegexOptions.CultureInvariant)]
    private static partial Regex GitHubRepository();

    /// <summary>A workflow file directly in <c>.github/workflows/</c>.</summary>
    [GeneratedRegex("^[A-Za-z0-9_.-]{1,200}\\.ya?ml$", RegexOptions.CultureInvariant)]
    private static partial Regex WorkflowFile();

    [LoggerMessage(EventId = LogEvents.TrustChangedOnPage, Level = LogLevel.Information, Message = "Trusted publisher of {Package} {Change} by maintainer {User} on the account page")]
    private static partial void LogTrustChanged(ILogger logger, string package, string change, string user);

    [LoggerMessage(EventId = LogEvents.TrustChangeRefused, Level = LogLevel.Warning, Message = "Trusted publisher of {Package}: refused to {User}, not a maintainer")]
    private static partial void LogTrustRefused(ILogger logger, string package, string user);
}

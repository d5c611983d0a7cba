using System.Text.Json;
using Gateway.Accounts;
using Gateway.Automation;

namespace Gateway.Npm;

/// <summary>
/// Remembers, once the registry accepted the write, who maintains what: who published each package through the
/// gateway (the maintainers of a package whose registry keeps none in its packument, Verdaccio 6, for
/// Endpoints/PackageRuleEndpoint.cs), and, for a scoped package, that its publisher and every maintainer an
/// <c>npm owner add</c> lists are members of the scope (docs/SECURITY.md, "Tokens": scope members cannot disable 2FA).
/// </summary>
internal sealed class PublisherLedgerMiddleware(RequestDelegate next, PackageRuleBook packages, Usernames usernames)
{
    public Task InvokeAsync(HttpContext context)
    {
        var feature = context.GatewayFeature();
        var record = feature.Decision.Record;
        var package = feature.Classification.Package;
        return record.RecordPublisher && package is not null && feature.Caller is { } caller ? RecordPublisherAsync(context, package, caller.Username)
            : record.RecordScopeMembers && PackageRulesFile.ScopeName(package) is { } scope && feature.Body is { } body ? RecordMaintainersAsync(context, scope, body)
            : next(context);
    }

    private async Task RecordPublisherAsync(HttpContext context, string package, string user)
    {
        await next(context);
        if (context.Response.StatusCode is >= 200 and < 300)
        {
            await packages.AddPublisherAsync(package, user, context.RequestAborted);
        }
    }

    /// <summary>
    /// The maintainers an owner change lists (npm sends the whole new list). Membership only restricts (a member cannot
    /// go below the scope's mode), so a name the registry later drops stays a member until an operator edits the store.
    /// </summary>
    private async Task RecordMaintainersAsync(HttpContext context, string scope, JsonElement body)
    {
        await next(context);
        if (context.Response.StatusCode is < 200 or > 299 || !body.TryGetProperty("maintainers", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        foreach (var maintainer in list.EnumerateArray())
        {
            if (maintainer.ValueKind == JsonValueKind.Object && maintainer.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String
                && usernames.TryCanonical(name.GetString()!, out var user))
            {
                await packages.AddScopeMemberAsync(user, scope, context.RequestAborted);
            }
        }
    }
}

using System.Text.Json.Nodes;
using Gateway.Automation;
using Gateway.Identity;
using Gateway.Npm;

namespace Gateway.Endpoints;

/// <summary>
/// <c>npm token list</c> through the gateway: the registry's list, with what the gateway enforces for each token
/// it recorded — <c>readonly</c> and <c>cidr_whitelist</c> as npm prints them, and a <c>gateway</c> object
/// (expiry, packages, scopes, bypass-2FA) that <c>npm token list --json</c> shows. Only this action pays for it:
/// every other read passes through untouched. A list asked for without a credential never gets here (<see cref="Policy.NpmAction.NeedsCredential"/>).
/// </summary>
internal sealed class TokenListEndpoint(IdentityResolver identities, TokenLedger tokens)
{
    public Task HandleAsync(HttpContext context) =>
        context.Request.Headers.Authorization.Count == 1 ? AnnotateAsync(context) : RegistryForward.ForwardAsync(context);

    private async Task AnnotateAsync(HttpContext context)
    {
        var (_, caller) = await identities.ResolveAsync(context.Request.Headers.Authorization.ToString(), context.Connection.RemoteIpAddress, context.RequestAborted);
        if (caller is null)
        {
            await RegistryForward.ForwardAsync(context);
            return;
        }

        var (body, original) = await BufferedResponse.RunAsync(context, RegistryForward.ForwardAsync);
        if (context.Response.StatusCode == StatusCodes.Status200OK && Annotate(body, await tokens.ListAsync(caller.Username, context.RequestAborted)) is { } annotated)
        {
            body = annotated;
            context.Response.ContentLength = body.Length;
        }

        await original.Stream.WriteAsync(body, context.RequestAborted);
    }

    private static byte[]? Annotate(byte[] body, IReadOnlyDictionary<string, TokenAttributes> recorded)
    {
        if (recorded.Count == 0)
        {
            return null;
        }

        try
        {
            if (JsonNode.Parse(body) is not JsonObject list || list["objects"] is not JsonArray objects)
            {
                return null;
            }

            foreach (var token in objects.OfType<JsonObject>())
            {
                if (token["key"]?.GetValueKind() == System.Text.Json.JsonValueKind.String && recorded.TryGetValue(token["key"]!.GetValue<string>(), out var attributes))
                {
                    token["readonly"] = attributes.Permission == TokenPermission.ReadOnly;
                    if (attributes.Cidrs.Count > 0)
                    {
                        token["cidr_whitelist"] = new JsonArray([.. attributes.Cidrs.Select(c => (JsonNode)c)]);
                    }

                    token["gateway"] = new JsonObject
                    {
                        ["expires"] = attributes.Expires?.ToString("O"),
                        ["packages"] = new JsonArray([.. attributes.Packages.Select(p => (JsonNode)p)]),
                        ["scopes"] = new JsonArray([.. attributes.Scopes.Select(p => (JsonNode)p)]),
                        ["permission"] = attributes.Permission.ToWire(),
                        ["bypass_2fa"] = attributes.BypassTwoFactor,
                        ["orgs"] = new JsonArray([.. (attributes.Orgs ?? []).Select(o => (JsonNode)o)]),
                        ["orgs_permission"] = attributes.OrgsPermission.ToWire(),
                    };
                }
            }

            return System.Text.Encoding.UTF8.GetBytes(list.ToJsonString());
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}

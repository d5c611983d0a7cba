using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Accounts;
using Gateway.Http;
using Gateway.TwoFactor;
using Gateway.WebAuthn;
using Microsoft.AspNetCore.Antiforgery;

namespace Gateway.Browser;

/// <summary>
/// The two JSON calls the pages' script makes before <c>navigator.credentials.create/get</c>: options for
/// registering a key (signed-in user) and for asserting one (signed-in user, a pending sign-in, or a
/// web-OTP / web-login flow). Ceremony state stays in the store; the page gets an id and the options.
/// </summary>
internal static class WebAuthnApi
{
    public static RouteGroupBuilder MapWebAuthnApi(this RouteGroupBuilder gateway)
    {
        gateway.MapPost("/account/keys/options", RegistrationOptionsAsync).RequireAuthorization().DisableAntiforgery();
        gateway.MapPost("/webauthn/assertion-options", AssertionOptionsAsync).DisableAntiforgery();
        return gateway;
    }

    private sealed record AssertionRequest(string? Subject);

    private static async Task RegistrationOptionsAsync(HttpContext context, IAntiforgery antiforgery, SecurityKeys keys, IUserModeSource modes, StepUp stepUp)
    {
        // JSON posts carry the antiforgery token in a header; validated here because form binding does not run.
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "Reload the page and try again.");
            return;
        }

        // Adding a key is a factor change: not even its ceremony starts without a fresh step-up.
        var user = context.User.Username();
        if (!stepUp.IsFresh(context.User, await modes.GetModeAsync(user, context.RequestAborted) != TwoFactorMode.Disabled))
        {
            await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status403Forbidden, "Confirm it's you first (reload the page).");
            return;
        }

        await WriteCeremonyAsync(context, await keys.BeginRegistrationAsync(user, context, context.RequestAborted));
    }

    private static async Task AssertionOptionsAsync(HttpContext context, IAntiforgery antiforgery, SecurityKeys keys, BrowserFlowStore flows)
    {
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "Reload the page and try again.");
            return;
        }

        try
        {
            var request = await context.Request.ReadFromJsonAsync<AssertionRequest>(context.RequestAborted);
            var user = await SubjectUserAsync(context, flows, request?.Subject ?? "");
            var ceremony = user is null ? null : await keys.BeginAssertionAsync(user, context, context.RequestAborted);
            if (ceremony is null)
            {
                await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status404NotFound, "No security key is registered for this account, or this page has expired.");
                return;
            }

            await WriteCeremonyAsync(context, ceremony);
        }
        catch (JsonException)
        {
            await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "Malformed request.");
        }
    }

    /// <summary>Whose key may answer: the page says which flow it belongs to; the user comes from the server's record of it.</summary>
    private static async Task<string?> SubjectUserAsync(HttpContext context, BrowserFlowStore flows, string subject)
    {
        if (subject == "session")
        {
            return context.User.Identity?.IsAuthenticated == true ? context.User.Username() : null;
        }

        var separator = subject.IndexOf(':');
        if (separator < 0)
        {
            return null;
        }

        var flow = await flows.GetAsync(subject[(separator + 1)..], context.RequestAborted);
        return (subject[..separator], flow) switch
        {
            ("sign-in", { Kind: FlowKind.SignIn }) => flow.User,
            ("flow", { Kind: FlowKind.Otp, Completed: false }) => flow.User,
            ("flow", { Kind: FlowKind.Login, PasswordChecked: true, Completed: false }) => flow.User,
            _ => null,
        };
    }

    private static Task WriteCeremonyAsync(HttpContext context, Ceremony ceremony)
    {
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsJsonAsync(new JsonObject { ["ceremonyId"] = ceremony.Id, ["options"] = JsonNode.Parse(ceremony.OptionsJson) });
    }
}

using System.Text.Json;
using Gateway.Audit;
using Gateway.Automation;
using Gateway.Npm;
using Gateway.TrustedPublishing;

namespace Gateway.Endpoints;

/// <summary>
/// <c>POST /-/npm/v1/oidc/token/exchange/package/&lt;name&gt;</c> (npm OpenAPI <c>exchangeOidcToken</c>): a CI job's id
/// token in <c>Authorization: Bearer</c>, exchanged by <see cref="TokenExchange"/> for a short-lived token bound to the
/// package. Needs no caller: the id token is the credential, and the registry never sees it. Answers 201
/// <c>{token_type, token, created, expires}</c>, or npm's refusals (400, 401, 404, 500: <c>{"message": …}</c>) whose
/// reason is only in the log and the audit trail.
/// </summary>
internal sealed class OidcExchangeEndpoint(TokenExchange exchange, AuditTrail audit)
{
    public async Task HandleAsync(HttpContext context)
    {
        var feature = context.GatewayFeature();
        var client = context.Connection.RemoteIpAddress;
        AuditActor.Enter(audit.ActorFor(null, client));
        var idToken = TokenLedger.BearerToken(context.Request.Headers.Authorization.ToString());
        var (token, refusal) = feature.Classification.Package is { } package
            ? await exchange.ExchangeAsync(idToken, package, client, context.RequestAborted)
            : (null, ExchangeRefusal.Malformed);
        if (token is null)
        {
            var (status, message) = ExchangeRefusals.Answer(refusal!.Value);
            await WriteAsync(context, status, writer => writer.WriteString("message", message));
            return;
        }

        await WriteAsync(context, StatusCodes.Status201Created, writer =>
        {
            writer.WriteString("token_type", "oidc");
            writer.WriteString("token", token.Token);
            writer.WriteString("created", Iso(token.Created));
            writer.WriteString("expires", Iso(token.Expires));
        });
    }

    private static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private static async Task WriteAsync(HttpContext context, int status, Action<Utf8JsonWriter> body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        await using (var writer = new Utf8JsonWriter(context.Response.Body))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }
    }
}

using Gateway.Http;
using Gateway.Npm;
using Gateway.Policy;
using Microsoft.AspNetCore.Diagnostics;

namespace Gateway.Errors;

/// <summary>
/// A request the server could not read because of its own shape — a body that stops arriving (Kestrel's minimum data
/// rate), ends before its <c>Content-Length</c>, is malformed chunking, or is larger than the server accepts — is the
/// client's fault: its 4xx (<see cref="BadHttpRequestException.StatusCode"/>: 400, 408, 413, …) with a JSON <c>error</c>,
/// never a 500 (issue 19: a 500 must never be a stranger's to cause). Kestrel throws it from whichever stage is reading
/// the body (the classifier's small-body read, a login's, a page's form); no dependency failed, so nothing is counted
/// against the store or the registry. So is input an endpoint could not take (<see cref="ClientInputException"/>: a malformed
/// staged publish, an unknown stage id), answered with its own 4xx and words.
/// </summary>
internal sealed partial class ClientFaultHandler(ILogger<ClientFaultHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is ClientInputException input && !context.Response.HasStarted)
        {
            LogClientInput(logger, context.Request.Method, Where(context), input.Status, input.Message);
            await GatewayResponses.WriteErrorAsync(context, input.Status, input.Message);
            return true;
        }

        if (exception is not BadHttpRequestException bad || context.Response.HasStarted)
        {
            return false;
        }

        LogClientFault(logger, context.Request.Method, Where(context), bad.StatusCode, context.Connection.RemoteIpAddress?.ToString());
        context.Response.Headers.Connection = "close"; // the rest of a half-read body cannot be skipped reliably
        await GatewayResponses.WriteErrorAsync(context, bad.StatusCode, Describe(bad.StatusCode));
        return true;
    }

    private static string Where(HttpContext context) =>
        context.Features.Get<GatewayRequestFeature>() is { } feature ? SafePath.For(feature.Path) : "(gateway endpoint)";

    private static string Describe(int status) => status switch
    {
        StatusCodes.Status408RequestTimeout => "The request body arrived too slowly; the gateway stopped waiting for it.",
        StatusCodes.Status413PayloadTooLarge => "The request body is larger than the gateway accepts.",
        StatusCodes.Status431RequestHeaderFieldsTooLarge => "The request headers are larger than the gateway accepts.",
        _ => "The request could not be read (a body shorter than its Content-Length, or malformed chunked encoding).",
    };

    [LoggerMessage(EventId = LogEvents.ClientInputRefused, Level = LogLevel.Information, Message = "{Method} {Where} answered {Status}: {Reason}")]
    private static partial void LogClientInput(ILogger logger, string method, string where, int status, string reason);

    [LoggerMessage(EventId = LogEvents.ClientFault, Level = LogLevel.Information, Message = "{Method} {Where} from {Client} answered {Status}: the request could not be read (the client's fault, not a dependency's)")]
    private static partial void LogClientFault(ILogger logger, string method, string where, int status, string? client);
}

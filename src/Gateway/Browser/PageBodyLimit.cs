using Gateway.Configuration;
using Gateway.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Gateway.Browser;

/// <summary>
/// The gateway's pages accept small bodies only (<see cref="MemoryOptions.MaxFormBytes"/>: their forms and the
/// security-key JSON are a few KB), arriving in time (docs/SECURITY.md, "Availability"): a larger declared length is
/// answered 413 before any byte is read; any other body is read here first (<see cref="SmallBody"/>: nothing
/// allocated until it has arrived, a chunked one consumed as it arrives), and cut one byte beyond the limit (413)
/// or after <see cref="MemoryOptions.SmallBodyTimeout"/> (408). So a stranger's 29 MB sign-in form holds nothing, and the form
/// reader and antiforgery then read from memory. Kestrel's own limit is left as it is (large, for publishes through the proxy).
/// </summary>
internal static partial class PageBodyLimit
{
    public static IServiceCollection AddPageBodyLimit(this IServiceCollection services)
    {
        // The form reader's own limits too: a form never buffers more than a page accepts.
        services.AddOptions<FormOptions>().Configure<IOptions<MemoryOptions>>((form, memory) =>
        {
            form.BufferBodyLengthLimit = memory.Value.MaxFormBytes;
            form.MultipartBodyLengthLimit = memory.Value.MaxFormBytes;
        });
        return services;
    }

    public static IApplicationBuilder UsePageBodyLimit(this IApplicationBuilder pages)
    {
        var memory = pages.ApplicationServices.GetRequiredService<IOptions<MemoryOptions>>().Value;
        var logger = pages.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(PageBodyLimit));
        return pages.Use((context, next) =>
        {
            var request = context.Request;
            if (request.ContentLength > memory.MaxFormBytes)
            {
                LogTooLarge(logger, request.Method, request.ContentLength.Value);
                context.Response.Headers.Connection = "close"; // nothing of the body is read: close rather than drain
                return TooLargeAsync(context, memory.MaxFormBytes);
            }

            // Any body at all (a declared length, chunked, HTTP/2 data) is read here, within the limit and in time;
            // our own count is the limit (Kestrel's per-request limit refused a chunked body below it, so it is not set).
            var hasBody = context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody
                ?? (request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0);
            return hasBody ? ReadFirstAsync(context, next, memory, logger) : next(context);
        });
    }

    private static async Task ReadFirstAsync(HttpContext context, RequestDelegate next, MemoryOptions memory, ILogger logger)
    {
        var (outcome, _) = await SmallBody.ReadAsync(context.Request, memory.MaxFormBytes, memory.SmallBodyTimeout, context.RequestAborted);
        switch (outcome)
        {
            case SmallBody.Outcome.Read:
                await next(context);
                return;
            case SmallBody.Outcome.TooLarge:
                LogTooLarge(logger, context.Request.Method, -1);
                await TooLargeAsync(context, memory.MaxFormBytes);
                return;
            case SmallBody.Outcome.TimedOut:
                await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status408RequestTimeout, SmallBody.TimedOutMessage(memory.SmallBodyTimeout));
                return;
            default:
                await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "The request body is shorter than its Content-Length.");
                return;
        }
    }

    private static Task TooLargeAsync(HttpContext context, int max) =>
        GatewayResponses.WriteErrorAsync(context, StatusCodes.Status413PayloadTooLarge, $"The gateway's pages accept bodies of at most {max} bytes.");

    /// <param name="length">The declared length; -1: a chunked body, cut at the limit.</param>
    [LoggerMessage(EventId = LogEvents.PageBodyTooLarge, Level = LogLevel.Debug, Message = "{Method} of a page refused with 413: a body of {Length} bytes (-1: chunked, cut at the limit)")]
    private static partial void LogTooLarge(ILogger logger, string method, long length);
}

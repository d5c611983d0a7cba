using Gateway.Configuration;
using Gateway.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Gateway.Browser;

/// <summary>
/// The gateway's pages accept small bodies only (<see cref="MemoryOptions.MaxFormBytes"/>: their forms and the
/// security-key JSON are a few KB): a larger declared length is answered 413 before any byte is read, and a chunked
/// body is cut by Kestrel at the same limit (413), so a stranger's 29 MB sign-in form holds nothing
/// (docs/SECURITY.md, "Availability"). Kestrel's own limit stays large for publishes through the proxy.
/// </summary>
internal static partial class PageBodyLimit
{
    public static IServiceCollection AddPageBodyLimit(this IServiceCollection services)
    {
        // Also the form reader's own limits: a form can never buffer more than a page accepts.
        services.AddOptions<FormOptions>().Configure<IOptions<MemoryOptions>>((form, memory) =>
        {
            var max = memory.Value.MaxFormBytes;
            form.BufferBodyLengthLimit = max;
            form.MultipartBodyLengthLimit = max;
            form.ValueLengthLimit = max;
            form.KeyLengthLimit = Math.Min(form.KeyLengthLimit, max);
        });
        return services;
    }

    public static IApplicationBuilder UsePageBodyLimit(this IApplicationBuilder pages)
    {
        var max = pages.ApplicationServices.GetRequiredService<IOptions<MemoryOptions>>().Value.MaxFormBytes;
        var logger = pages.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(PageBodyLimit));
        return pages.Use((context, next) =>
        {
            if (context.Request.ContentLength > max)
            {
                LogTooLarge(logger, context.Request.Method, context.Request.ContentLength.Value);
                // Nothing of the body is read: close the connection rather than drain it.
                context.Response.Headers.Connection = "close";
                return GatewayResponses.WriteErrorAsync(context, StatusCodes.Status413PayloadTooLarge,
                    $"The gateway's pages accept bodies of at most {max} bytes.");
            }

            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = max;
            }

            return next(context);
        });
    }

    [LoggerMessage(EventId = 1421, Level = LogLevel.Debug, Message = "{Method} of a page refused with 413: a body of {Length} bytes")]
    private static partial void LogTooLarge(ILogger logger, string method, long length);
}

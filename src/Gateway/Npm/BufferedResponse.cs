using Microsoft.AspNetCore.Http.Features;

namespace Gateway.Npm;

/// <summary>
/// Runs the rest of the pipeline with the response body held back, for the few small answers the gateway must
/// read before the client gets them (a created token, the token list). Status and headers are set as usual; the
/// caller decides what body, if any, goes out. The registry is asked for an uncompressed answer.
/// </summary>
internal static class BufferedResponse
{
    public static async Task<(byte[] Body, IHttpResponseBodyFeature Original)> RunAsync(HttpContext context, RequestDelegate next)
    {
        context.Request.Headers.AcceptEncoding = "identity";
        var original = context.Features.Get<IHttpResponseBodyFeature>()!;
        using var buffer = new MemoryStream();
        context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(buffer));
        try
        {
            await next(context);
        }
        finally
        {
            context.Features.Set(original);
        }

        return (buffer.ToArray(), original);
    }
}

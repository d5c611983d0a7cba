using Gateway.Configuration;
using Gateway.Http;
using Gateway.Policy;
using Gateway.TwoFactor;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Gateway.Npm;

/// <summary>
/// The body of a request that opens a web approval or presents one (a <c>gwotp_</c> token), read once: into
/// ASP.NET's file-buffering stream (memory up to <see cref="MemoryThreshold"/>, then a temporary file that is
/// deleted when the request ends), hashed as it is read, and rewound, so YARP forwards exactly the bytes that
/// were hashed (docs/SECURITY.md, "Web approvals"). No other request is buffered: reads and requests with a
/// code stream through untouched. The body may not exceed <c>Gateway:MaxPublishBytes</c> and must arrive
/// within an approval's lifetime (Kestrel's minimum data rate applies too).
/// </summary>
internal sealed partial class ApprovalBodies(IOptions<GatewayOptions> options, ILogger<ApprovalBodies> logger)
{
    /// <summary>Bytes kept in memory before the body spools to a temporary file.</summary>
    public const int MemoryThreshold = 32 * 1024;

    /// <summary>An approval's token lives this long; a body slower than that could not be approved in time anyway.</summary>
    public static readonly TimeSpan ReadLimit = BrowserFlowStore.Lifetime;

    /// <param name="summarise">Also read what the approval page shows (when a flow is opened), from the buffer.</param>
    /// <returns>The body's digest, length (and summary); null when the request was answered instead (413, 408).</returns>
    public async Task<ApprovalBody?> ReadAsync(HttpContext context, bool summarise)
    {
        var request = context.Request;
        var max = options.Value.MaxPublishBytes;
        if (request.ContentLength > max)
        {
            await TooLargeAsync(context, max);
            return null;
        }

        // YARP applies the route's limit (Gateway:MaxPublishBytes) only just before it forwards; this read comes first.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = max;
        }

        // A no-op when the classifier already buffered a small body (Npm/BodyReader.cs): then it is read from there.
        request.EnableBuffering(MemoryThreshold, max);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        deadline.CancelAfter(ReadLimit);
        try
        {
            request.Body.Position = 0;
            var login = context.GatewayFeature().Classification.Action == NpmAction.Login;
            var sha256 = await ApprovalBodyDigest.ComputeAsync(request.Body, login, deadline.Token);
            var length = request.Body.Length; // read to its end: the buffer knows every byte
            ApprovalSummary? summary = null;
            if (summarise)
            {
                request.Body.Position = 0;
                summary = length == 0 ? ApprovalSummary.Empty
                    : BodyEncoding.Check(request) is null ? await ApprovalSummaryReader.ReadAsync(request.Body, deadline.Token)
                    : ApprovalSummary.Unreadable;
            }

            request.Body.Position = 0;
            return new ApprovalBody(sha256, length, summary);
        }
        catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
        {
            LogSlowBody(logger, context.Request.Method, (long)ReadLimit.TotalSeconds);
            await GatewayResponses.WriteErrorAsync(context, StatusCodes.Status408RequestTimeout,
                $"The request body did not arrive within {(int)ReadLimit.TotalMinutes} minutes.");
            return null;
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            await TooLargeAsync(context, max);
            return null;
        }
    }

    private Task TooLargeAsync(HttpContext context, long max)
    {
        LogTooLarge(logger, context.Request.Method, max);
        return GatewayResponses.WriteErrorAsync(context, StatusCodes.Status413PayloadTooLarge,
            $"The request body is larger than this gateway accepts ({max} bytes, Gateway:MaxPublishBytes).");
    }

    [LoggerMessage(EventId = LogEvents.ApprovalBodyTooLarge, Level = LogLevel.Warning, Message = "Web approval: a {Method} body larger than {MaxBytes} bytes refused (413)")]
    private static partial void LogTooLarge(ILogger logger, string method, long maxBytes);

    [LoggerMessage(EventId = LogEvents.ApprovalBodyTooSlow, Level = LogLevel.Warning, Message = "Web approval: a {Method} body did not arrive within {Seconds} s (408)")]
    private static partial void LogSlowBody(ILogger logger, string method, long seconds);
}

/// <summary>A body read for a web approval: its SHA-256 (lower-case hex), its length as read and, when a flow is opened, what the page shows.</summary>
internal sealed record ApprovalBody(string Sha256, long Length, ApprovalSummary? Summary);

using System.Net;

namespace Gateway.Resilience;

/// <summary>
/// The registry refused one of the gateway's own calls (whoami, the password check, the web login's token, the
/// profile) with a 4xx that is the request's fault, not the registry's: headers too large (Node answers 431 above
/// 16 KB), a URL too long, too many requests. It is answered to the client with that status and never counts as a
/// dependency failure, so no stranger can open the registry breaker for everyone (docs/SECURITY.md, "Availability").
/// </summary>
internal sealed class UpstreamRefusedException(int status, TimeSpan? retryAfter, string call)
    : Exception($"the registry answered {status} to {call}")
{
    /// <summary>The registry's status, passed on to the client.</summary>
    public int Status { get; } = status;

    /// <summary>The registry's <c>Retry-After</c> (a 429's), passed on with it.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>Which of the gateway's calls it was (<c>whoami</c>, <c>login</c>, <c>profile</c>), for the log.</summary>
    public string Call { get; } = call;

    /// <summary>What the client reads: its own request is what the registry refused.</summary>
    public string ClientMessage => Status switch
    {
        StatusCodes.Status431RequestHeaderFieldsTooLarge => "The registry refused this request: its headers are too large. Send a shorter Authorization header.",
        StatusCodes.Status414UriTooLong => "The registry refused this request: its URL is too long.",
        StatusCodes.Status413PayloadTooLarge => "The registry refused this request: it is too large.",
        StatusCodes.Status429TooManyRequests => "The registry is limiting requests; try again later.",
        _ => $"The registry refused this request ({Status}).",
    };

    /// <summary>
    /// The registry's answer to one of the gateway's calls, judged: a 5xx is the registry's failure
    /// (<see cref="HttpRequestException"/>, counted by the breaker); a 4xx other than 401/403 is the request's own
    /// fault (<see cref="UpstreamRefusedException"/>, never counted). 2xx, 3xx, 401 and 403 are the caller's to read.
    /// </summary>
    /// <param name="refusedAsRequestFault">Which 4xx are the request's fault; null: every 4xx but 401 and 403.</param>
    public static void ThrowIfNotAnswered(HttpResponseMessage response, string call, Func<int, bool>? refusedAsRequestFault = null)
    {
        var status = (int)response.StatusCode;
        if (status >= 500)
        {
            throw new HttpRequestException($"{call} answered {status}", null, response.StatusCode);
        }

        if (status is >= 400 and < 500 && (refusedAsRequestFault ?? IsRequestFault)(status))
        {
            throw new UpstreamRefusedException(status, RetryAfterOf(response), call);
        }
    }

    /// <summary>Statuses that only say the request itself was refused: its size, or its rate.</summary>
    public static bool IsShapeOrRate(int status) => status is StatusCodes.Status413PayloadTooLarge or StatusCodes.Status414UriTooLong
        or StatusCodes.Status429TooManyRequests or StatusCodes.Status431RequestHeaderFieldsTooLarge;

    private static bool IsRequestFault(int status) => status is not (StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden);

    private static TimeSpan? RetryAfterOf(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow is { Ticks: > 0 } wait ? wait : TimeSpan.Zero,
        _ => null,
    };

    internal static bool IsClientStatus(HttpStatusCode? status) => status is { } code && (int)code is >= 400 and < 500;
}

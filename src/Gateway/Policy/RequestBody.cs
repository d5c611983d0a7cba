using System.Text.Json;

namespace Gateway.Policy;

/// <summary>What the classifier knows of a request's body.</summary>
public readonly record struct RequestBody(RequestBodyState State, JsonElement Json, string? Problem = null, int ProblemStatus = 0)
{
    /// <summary>Not looked at yet; the classifier says when it needs it.</summary>
    public static readonly RequestBody NotRead = new(RequestBodyState.NotRead, default);

    /// <summary>Absent, too large or chunked: body rules cannot match, so the request falls to a stricter rule.</summary>
    public static readonly RequestBody Unavailable = new(RequestBodyState.Unavailable, default);

    public static RequestBody Parsed(JsonElement json) => new(RequestBodyState.Parsed, json);

    /// <summary>
    /// The gateway cannot read the body exactly as the registry would (another charset, a Content-Encoding,
    /// a byte order mark, duplicate keys, not JSON): a decision that depends on it is refused with
    /// <paramref name="status"/> and <paramref name="problem"/> (docs/SECURITY.md, "the bytes the registry acts on").
    /// </summary>
    public static RequestBody Unreadable(int status, string problem) => new(RequestBodyState.Unreadable, default, problem, status);
}

public enum RequestBodyState
{
    NotRead,
    Unavailable,
    Parsed,
    Unreadable,
}

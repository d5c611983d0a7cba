using System.Text.Json;

namespace Gateway.Policy;

/// <summary>What the classifier knows of a request's body.</summary>
public readonly record struct RequestBody(RequestBodyState State, JsonElement Json)
{
    /// <summary>Not looked at yet; the classifier says when it needs it.</summary>
    public static readonly RequestBody NotRead = new(RequestBodyState.NotRead, default);

    /// <summary>Too large, chunked, or not JSON: body rules cannot match, so the request falls to a stricter rule.</summary>
    public static readonly RequestBody Unavailable = new(RequestBodyState.Unavailable, default);

    public static RequestBody Parsed(JsonElement json) => new(RequestBodyState.Parsed, json);
}

public enum RequestBodyState
{
    NotRead,
    Unavailable,
    Parsed,
}

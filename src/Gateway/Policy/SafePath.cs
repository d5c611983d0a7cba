namespace Gateway.Policy;

/// <summary>
/// A request path fit for logs: everything after a <c>token</c> segment is a credential
/// (<c>DELETE /-/user/token/&lt;token&gt;</c> of npm logout; a base64 token may hold an encoded
/// <c>/</c>, so it can span several segments) and is masked.
/// </summary>
public static class SafePath
{
    public static string For(RequestPath path)
    {
        var segments = path.Segments;
        var token = Array.FindIndex(segments, s => s.Equals("token", StringComparison.OrdinalIgnoreCase));
        return token < 1 || token == segments.Length - 1
            ? path.ToString()
            : "/" + string.Join('/', segments[..(token + 1)]) + "/***";
    }
}

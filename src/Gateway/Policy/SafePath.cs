namespace Gateway.Policy;

/// <summary>
/// A request path fit for logs: everything after a <c>token</c> segment is a credential
/// (<c>DELETE /-/user/token/&lt;token&gt;</c> of npm logout; a base64 token may hold an encoded
/// <c>/</c>, so it can span several segments) and is masked; so is everything after <c>done</c> (the <c>doneUrl</c>
/// npm polls, <c>/-/gateway/done/&lt;id&gt;</c>: the id is the only capability to collect a flow's token).
/// </summary>
public static class SafePath
{
    public static string For(RequestPath path)
    {
        var segments = path.Segments;
        var token = segments is ["-", var gateway, var done, _, ..]
            && gateway.Equals("gateway", StringComparison.OrdinalIgnoreCase) && done.Equals("done", StringComparison.OrdinalIgnoreCase)
            ? 2
            : Array.FindIndex(segments, s => s.Equals("token", StringComparison.OrdinalIgnoreCase));
        return token < 1 || token == segments.Length - 1
            ? path.ToString()
            : "/" + string.Join('/', segments[..(token + 1)]) + "/***";
    }
}

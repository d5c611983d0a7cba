namespace Gateway.Policy;

/// <summary>
/// A request path fit for logs: the segment after a <c>token</c> segment is a credential
/// (<c>DELETE /-/user/token/&lt;token&gt;</c> of npm logout) and is masked.
/// </summary>
public static class SafePath
{
    public static string For(RequestPath path)
    {
        var segments = path.Segments;
        var masked = new string[segments.Length];
        for (var i = 0; i < segments.Length; i++)
        {
            masked[i] = i > 0 && segments[i - 1] == "token" ? "***" : segments[i];
        }

        return "/" + string.Join('/', masked);
    }
}

using System.Net;

namespace Gateway.Configuration;

/// <summary>
/// The shapes <c>Gateway:Upstream</c> and <c>Gateway:PublicUrl</c> may take (README.md, "Configuration"): the upstream may
/// carry a path (a registry under <c>/repository/&lt;repo&gt;/</c>), never a query or fragment, and never be the gateway itself;
/// the public URL's path, if any, ends with <c>/</c>.
/// </summary>
internal static class GatewayUrlRules
{
    /// <returns>The upstream URL, or null (with the reason in <paramref name="errors"/>).</returns>
    public static Uri? CheckUpstream(string value, List<string> errors)
    {
        const string key = "Gateway:Upstream";
        if (AbsoluteHttp(value, key, errors) is not { } uri)
        {
            return null;
        }

        if (HasQueryOrFragment(value, uri))
        {
            errors.Add($"{key} must not carry a query or fragment: every npm request goes under the registry's URL (e.g. 'http://nexus:8081/repository/npm-hosted/'), not '{value}'");
            return null;
        }

        return uri;
    }

    /// <returns>The public URL, or null (with the reason in <paramref name="errors"/>).</returns>
    public static Uri? CheckPublicUrl(string value, List<string> errors)
    {
        const string key = "Gateway:PublicUrl";
        if (AbsoluteHttp(value, key, errors) is not { } uri)
        {
            return null;
        }

        if (HasQueryOrFragment(value, uri))
        {
            errors.Add($"{key} must not carry a query or fragment (e.g. 'https://npm.example.com'), not '{value}'");
            return null;
        }

        if (!uri.AbsolutePath.EndsWith('/'))
        {
            errors.Add($"{key} must have no path or a path that ends with '/' (e.g. 'https://tools.example.com/npm/': npm joins package names to it), not '{value}'");
            return null;
        }

        return uri;
    }

    /// <summary>An upstream with the gateway's own address would send every request back to the gateway.</summary>
    public static void CheckNotTheGateway(Uri upstream, Uri publicUrl, IEnumerable<ListenAddress> listening, List<string> errors)
    {
        if (SameOrigin(upstream, publicUrl))
        {
            errors.Add($"Gateway:Upstream must not be the gateway itself: '{upstream.OriginalString}' has the scheme, host and port of Gateway:PublicUrl '{publicUrl.OriginalString}' (the registry must not be reachable at the gateway's public address)");
            return;
        }

        if (listening.FirstOrDefault(address => address.Reaches(upstream)) is { } self)
        {
            errors.Add($"Gateway:Upstream must not be the gateway itself: '{upstream.OriginalString}' is where the gateway listens ('{self.Url}')");
        }
    }

    private static bool SameOrigin(Uri a, Uri b) =>
        a.Scheme == b.Scheme && a.Port == b.Port && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase);

    private static Uri? AbsoluteHttp(string value, string key, List<string> errors)
    {
        if (Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            return uri;
        }

        errors.Add($"{key} must be an absolute http(s) URL, not '{value}'");
        return null;
    }

    /// <summary>Also an empty one: <c>http://host/?</c> and <c>http://host/#</c>.</summary>
    private static bool HasQueryOrFragment(string value, Uri uri) =>
        uri.Query.Length > 0 || uri.Fragment.Length > 0 || value.Contains('?', StringComparison.Ordinal) || value.Contains('#', StringComparison.Ordinal);
}

/// <summary>One address the gateway listens on, as configured (<c>http://*:8080</c>, <c>http://127.0.0.1:5000</c>).</summary>
internal sealed record ListenAddress(string Url, string Scheme, string Host, int Port)
{
    /// <summary>Whether a request to <paramref name="uri"/> from this machine would arrive here.</summary>
    public bool Reaches(Uri uri)
    {
        if (uri.Scheme != Scheme || uri.Port != Port)
        {
            return false;
        }

        var host = uri.IdnHost.Trim('[', ']');
        return string.Equals(host, Host, StringComparison.OrdinalIgnoreCase) || (IsAnyOrLocal(Host) && IsLoopback(host));
    }

    private static bool IsAnyOrLocal(string host) =>
        host is "*" or "+" || IsLoopback(host) || (IPAddress.TryParse(host, out var ip) && (ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any)));

    private static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
}

using System.Globalization;

namespace Gateway.Configuration;

/// <summary>Where the gateway will listen, read from the settings Kestrel reads: <c>urls</c>, <c>Kestrel:Endpoints:*:Url</c>, <c>http_ports</c>, <c>https_ports</c>.</summary>
internal static class ListenAddresses
{
    /// <summary>ASP.NET Core's default when nothing is configured.</summary>
    private const string Default = "http://localhost:5000";

    public static IReadOnlyList<ListenAddress> From(IConfiguration? configuration)
    {
        if (configuration is null)
        {
            return [];
        }

        var urls = new List<string>();
        urls.AddRange(Split(configuration["urls"]));
        urls.AddRange(configuration.GetSection("Kestrel:Endpoints").GetChildren().Select(e => e["Url"]).OfType<string>());
        urls.AddRange(Split(configuration["http_ports"]).Select(port => "http://*:" + port));
        urls.AddRange(Split(configuration["https_ports"]).Select(port => "https://*:" + port));
        if (urls.Count == 0)
        {
            urls.Add(Default);
        }

        return [.. urls.Select(Parse).OfType<ListenAddress>()];
    }

    private static IEnumerable<string> Split(string? list) =>
        (list ?? "").Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary><c>scheme://host[:port][/…]</c>, where the host may be <c>*</c>, <c>+</c> or <c>[::]</c> (which <see cref="Uri"/> refuses).</summary>
    private static ListenAddress? Parse(string url)
    {
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
        {
            return null;
        }

        var scheme = url[..schemeEnd].ToLowerInvariant();
        var rest = url[(schemeEnd + 3)..];
        var authority = rest.Split('/', 2)[0];
        var portAt = authority.LastIndexOf(':');
        var host = authority;
        var port = scheme == "https" ? 443 : 80;
        if (portAt >= 0 && portAt > authority.LastIndexOf(']'))
        {
            host = authority[..portAt];
            if (!int.TryParse(authority[(portAt + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port))
            {
                return null;
            }
        }

        return new ListenAddress(url, scheme, host.Trim('[', ']'), port);
    }
}

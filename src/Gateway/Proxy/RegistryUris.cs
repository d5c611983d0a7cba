using System.Diagnostics.CodeAnalysis;
using Gateway.Configuration;

namespace Gateway.Proxy;

/// <summary>
/// The one place the registry's addresses are built. <c>Gateway:Upstream</c> may carry a path (Nexus
/// <c>/repository/&lt;repo&gt;/</c>, Artifactory <c>/artifactory/api/npm/&lt;repo&gt;/</c>): the gateway takes npm paths at
/// its own root and sends each one under that path, as received (docs/ARCHITECTURE.md, "An upstream under a path").
/// </summary>
internal sealed class RegistryUris
{
    /// <summary>No canonicalisation: <c>%2f</c> stays <c>%2f</c>, nothing is unescaped or re-escaped.</summary>
    private static readonly UriCreationOptions Verbatim = new() { DangerousDisablePathAndQueryCanonicalization = true };

    public RegistryUris(GatewayOptions options)
    {
        var upstream = new Uri(options.Upstream);
        Base = options.Upstream.Trim().TrimEnd('/');
        Prefix = upstream.AbsolutePath.TrimEnd('/');
        var publicUrl = options.PublicUrl.Trim().TrimEnd('/') + "/";
        var publicOrigin = new Uri(options.PublicUrl).GetLeftPart(UriPartial.Authority);
        // A registry writes tarball URLs from its own base URL (Nexus, Artifactory; Verdaccio behind a proxy that
        // gives it its own Host), or from the Host the gateway sends plus its own path (Verdaccio's url_prefix), which
        // lacks the gateway's public path if it has one (docs/ARCHITECTURE.md, "The gateway under a path").
        string[] bases = [Base + "/", publicOrigin + Prefix + "/"];
        TarballBases = Prefix.Length == 0 && options.PublicPath.Length == 0
            ? null
            : new TarballUrlBases(bases.Where(b => b != publicUrl).Distinct(StringComparer.Ordinal), publicUrl);
    }

    /// <summary>The upstream URL without its trailing slash, e.g. <c>http://nexus:8081/repository/npm-hosted</c>.</summary>
    public string Base { get; }

    /// <summary>The upstream's path without its trailing slash, e.g. <c>/repository/npm-hosted</c>; empty at the host's root.</summary>
    public string Prefix { get; }

    /// <summary>
    /// The bases of tarball URLs to point at the gateway, or null when the upstream and the gateway are both at their
    /// hosts' roots: the registry then builds them from the Host and <c>X-Forwarded-Proto</c> the gateway sends, so they
    /// already name the gateway.
    /// </summary>
    public TarballUrlBases? TarballBases { get; }

    /// <summary>The registry's URI of an npm request target (<c>/-/whoami</c>, <c>/@scope%2fname?write=true</c>), byte for byte.</summary>
    public Uri For(string npmTarget) => Under(Base, npmTarget);

    /// <summary><paramref name="npmTarget"/> (origin-form, starting with <c>/</c>) under <paramref name="registryBase"/>, not re-encoded.</summary>
    public static Uri Under(string registryBase, string npmTarget) => new(registryBase.TrimEnd('/') + npmTarget, Verbatim);

    /// <summary>As <see cref="Under"/>, for a target as a client sent it, which may not make a URI at all.</summary>
    public static bool TryUnder(string registryBase, string npmTarget, [NotNullWhen(true)] out Uri? uri) =>
        Uri.TryCreate(registryBase.TrimEnd('/') + npmTarget, Verbatim, out uri);
}

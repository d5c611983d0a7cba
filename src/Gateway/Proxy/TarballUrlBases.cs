using System.Text;

namespace Gateway.Proxy;

/// <summary>The registry's bases that tarball URLs may start with, and the gateway's public URL each is replaced by (all end in <c>/</c>).</summary>
internal sealed class TarballUrlBases
{
    public TarballUrlBases(IEnumerable<string> registryBases, string publicUrl)
    {
        From = [.. registryBases.Select(Encoding.UTF8.GetBytes)];
        To = Encoding.UTF8.GetBytes(publicUrl);
        Longest = Math.Max(From.Max(b => b.Length), To.Length);
    }

    public byte[][] From { get; }

    /// <summary>
    /// The gateway's public URL. A URL that already starts with it is left alone unless a longer registry base matches:
    /// with a public path (<c>http://gw/npm/</c>) the base <c>http://gw/</c> would otherwise put it under the path twice.
    /// </summary>
    public byte[] To { get; }

    public int Longest { get; }
}

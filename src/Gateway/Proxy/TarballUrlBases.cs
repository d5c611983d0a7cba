using System.Text;

namespace Gateway.Proxy;

/// <summary>The registry's bases that tarball URLs may start with, and the gateway's public URL each is replaced by (all end in <c>/</c>).</summary>
internal sealed class TarballUrlBases
{
    public TarballUrlBases(IEnumerable<string> registryBases, string publicUrl)
    {
        From = [.. registryBases.Select(Encoding.UTF8.GetBytes)];
        To = Encoding.UTF8.GetBytes(publicUrl);
        Longest = From.Max(b => b.Length);
    }

    public byte[][] From { get; }

    public byte[] To { get; }

    public int Longest { get; }
}

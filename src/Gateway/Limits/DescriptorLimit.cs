using System.Runtime.InteropServices;

namespace Gateway.Limits;

/// <summary>
/// How many connections the process's file-descriptor limit (<c>RLIMIT_NOFILE</c>, <c>ulimit -n</c>; .NET raises the
/// soft limit to the hard one at start) can hold. A proxied request holds two descriptors (the client's connection
/// and one to the registry), and the process needs some of its own (the store, logs, the key ring, the embedded
/// store's clients): a connection limit above that would let a flood of idle connections exhaust the descriptors,
/// after which the gateway can neither accept nor reach the registry or the store.
/// </summary>
internal static partial class DescriptorLimit
{
    /// <summary>Descriptors kept for everything but client connections and their registry connections.</summary>
    public const long Reserved = 512;

    private const int RlimitNofileLinux = 7;

    /// <summary>The soft descriptor limit, or null where it cannot be read (not Linux, or unlimited).</summary>
    public static long? Current()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            return getrlimit(RlimitNofileLinux, out var limit) == 0 && limit.Current < long.MaxValue ? (long)limit.Current : null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    /// <summary>The most connections <paramref name="descriptors"/> can hold: two each, after <see cref="Reserved"/>.</summary>
    public static long ConnectionsFor(long descriptors) => Math.Max(0, (descriptors - Reserved) / 2);

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    [DllImport("libc", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int getrlimit(int resource, out RLimit limit);
}

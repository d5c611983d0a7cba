using Gateway.Resilience;
using StackExchange.Redis;

namespace Gateway.Store;

/// <summary>
/// The store's <see cref="DependencyGuard"/> (2 s, README.md "Upstream requirements"): only the record
/// classes of this folder call through it, so a store outage surfaces as <see cref="DependencyUnavailableException"/>.
/// </summary>
internal static class StoreGuard
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    public static DependencyGuard Create(TimeProvider time, TimeSpan? timeout = null) =>
        new("the 2FA store", timeout ?? Timeout, time, e => e is RedisException);
}

using Gateway.Resilience;
using StackExchange.Redis;

namespace Gateway.Store;

/// <summary>
/// The store's <see cref="DependencyGuard"/> (<c>Gateway:Resilience:StoreTimeout</c>, 2 s by default, and the
/// breaker settings): only the record classes of this folder call through it, so a store outage surfaces as
/// <see cref="DependencyUnavailableException"/>, and the client library's exceptions are named only here.
/// </summary>
internal static class StoreGuard
{
    public static readonly TimeSpan Timeout = new ResilienceOptions().StoreTimeout;

    public static DependencyGuard Create(TimeProvider time, TimeSpan? timeout = null) =>
        Create(time, new ResilienceOptions { StoreTimeout = timeout ?? Timeout });

    public static DependencyGuard Create(TimeProvider time, ResilienceOptions options) =>
        new(ResilienceRegistration.StoreName, options.StoreTimeout, options, time, e => e is RedisException);
}

using System.Diagnostics.Metrics;
using Gateway.Audit;
using Gateway.Configuration;
using Gateway.Metrics;
using Gateway.Security;
using Gateway.Store;
using Gateway.Tests.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Gateway.Tests.TwoFactor;

/// <summary>
/// What the 2FA core's classes are given besides their records, made as the gateway makes them, over the test's
/// store: the real audit trail (its entries go to that store, its log lines nowhere) and real metrics (a meter
/// nobody listens to). No test double: the core requires both, and the real ones cost a store the test has anyway.
/// </summary>
internal static class CoreCollaborators
{
    public static AuditTrail Audit(IConnectionMultiplexer store, KeyedHasher hasher, TimeProvider time) =>
        new(new AuditRecords(store, StoreGuard.Create(time)), hasher, time, Options.Create(new OperationsOptions()), NullLogger<AuditTrail>.Instance);

    public static AuditTrail Audit(IStoreFixture store, TimeProvider time) =>
        Audit(store.Multiplexer, new KeyedHasher(new SecretKeys(store.Multiplexer), store.Protection), time);

    public static GatewayMetrics Metrics() =>
        new(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>());
}

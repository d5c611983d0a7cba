using Gateway.Resilience;
using StackExchange.Redis;

namespace Gateway.Store;

/// <summary>Who the registry said a credential (a keyed hash, never the credential) belongs to, shared by every instance.</summary>
internal sealed class CredentialUsers(IConnectionMultiplexer store, [FromKeyedServices(ResilienceRegistration.Store)] DependencyGuard guard)
{
    public ValueTask<string?> GetAsync(string credentialId, CancellationToken cancellation) =>
        guard.ExecuteAsync(async _ => (string?)await store.GetDatabase().StringGetAsync(StoreKeys.CredentialUser(credentialId)), cancellation);

    public async ValueTask SetAsync(string credentialId, string username, TimeSpan lifetime, CancellationToken cancellation) =>
        await guard.ExecuteAsync(async _ => await store.GetDatabase().StringSetAsync(StoreKeys.CredentialUser(credentialId), username, lifetime), cancellation);
}

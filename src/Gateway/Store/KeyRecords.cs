using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Gateway.Resilience;
using StackExchange.Redis;

namespace Gateway.Store;

/// <summary>
/// Security keys, their sign counters and user handles, and WebAuthn ceremonies, every call through the store's
/// <see cref="DependencyGuard"/> so an outage surfaces as <see cref="DependencyUnavailableException"/>. Changes
/// that span keys are Lua scripts (<see cref="WebAuthnScripts"/>), so two gateway instances cannot interleave them.
/// </summary>
internal sealed class KeyRecords(
    IConnectionMultiplexer store,
    [FromKeyedServices(ResilienceRegistration.Store)] DependencyGuard guard)
{
    private IDatabase Db => store.GetDatabase();

    public ValueTask<string?> GetHandleAsync(string username, CancellationToken cancellation) =>
        guard.ExecuteAsync(async _ => (string?)await Db.StringGetAsync(StoreKeys.WebAuthnHandle(username)), cancellation);

    /// <summary>
    /// The user's handle, made on first use: 32 random bytes, never derived from the name (WebAuthn L3 §14.6.1).
    /// The reverse index is (re)written for the handle in force every time, so a failure between the two slots
    /// is repaired by the next registration.
    /// </summary>
    public ValueTask<string> GetOrCreateHandleAsync(string username, CancellationToken cancellation)
    {
        var fresh = System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        return guard.ExecuteAsync(async _ =>
        {
            var handle = (string)(await WebAuthnScripts.GetOrCreateHandle.EvaluateAsync(Db, new
            {
                handleKey = StoreKeys.WebAuthnHandle(username),
                handle = fresh,
            }))!;
            await Db.StringSetAsync(StoreKeys.WebAuthnHandleOwner(handle), username);
            return handle;
        }, cancellation);
    }

    public ValueTask<string?> FindUsernameByHandleAsync(string handle, CancellationToken cancellation) =>
        guard.ExecuteAsync(async _ => (string?)await Db.StringGetAsync(StoreKeys.WebAuthnHandleOwner(handle)), cancellation);

    public ValueTask<string?> FindUsernameByCredentialAsync(string credentialId, CancellationToken cancellation) =>
        guard.ExecuteAsync(async _ => (string?)await Db.StringGetAsync(StoreKeys.WebAuthnCredentialOwner(credentialId)), cancellation);

    public ValueTask<bool> HasKeysAsync(string username, CancellationToken cancellation) =>
        guard.ExecuteAsync(async _ => await Db.HashLengthAsync(StoreKeys.SecurityKeys(username)) > 0, cancellation);

    public ValueTask<IReadOnlyList<StoredKey>> GetAllAsync(string username, CancellationToken cancellation) =>
        guard.ExecuteAsync<IReadOnlyList<StoredKey>>(async _ =>
        {
            var db = Db;
            var records = db.HashGetAllAsync(StoreKeys.SecurityKeys(username));
            var counters = db.HashGetAllAsync(StoreKeys.SecurityKeyCounters(username));
            var used = db.HashGetAllAsync(StoreKeys.SecurityKeysUsed(username));
            var countersById = (await counters).ToDictionary(e => e.Name.ToString(), e => e.Value);
            var usedById = (await used).ToDictionary(e => e.Name.ToString(), e => e.Value);
            return [.. (await records)
                .Select(e => Read(e.Name.ToString(), e.Value, countersById.GetValueOrDefault(e.Name.ToString()), usedById.GetValueOrDefault(e.Name.ToString())))
                .OrderBy(k => k.Record.CreatedAt)];
        }, cancellation);

    public ValueTask<StoredKey?> GetAsync(string username, string credentialId, CancellationToken cancellation) =>
        guard.ExecuteAsync(async _ =>
        {
            var db = Db;
            var record = db.HashGetAsync(StoreKeys.SecurityKeys(username), credentialId);
            var counter = db.HashGetAsync(StoreKeys.SecurityKeyCounters(username), credentialId);
            var used = db.HashGetAsync(StoreKeys.SecurityKeysUsed(username), credentialId);
            var value = await record;
            return value.IsNull ? null : Read(credentialId, value, await counter, await used);
        }, cancellation);

    /// <summary>
    /// Claims the credential id in the owner index (its own slot), then adds the key to the user's (the user's slot);
    /// a claim made now is released again when the user's side refuses.
    /// </summary>
    public ValueTask<RegisterOutcome> RegisterAsync(string username, string credentialId, PasskeyRecord record, uint signCount, int maxKeys, CancellationToken cancellation) =>
        guard.ExecuteAsync(async _ =>
        {
            var ownerKey = StoreKeys.WebAuthnCredentialOwner(credentialId);
            var claim = (int)await WebAuthnScripts.ClaimOwner.EvaluateAsync(Db, new { ownerKey, username });
            if (claim == 0)
            {
                return RegisterOutcome.CredentialTaken;
            }

            var added = (int)await WebAuthnScripts.Register.EvaluateAsync(Db, new
            {
                keysKey = StoreKeys.SecurityKeys(username),
                countersKey = StoreKeys.SecurityKeyCounters(username),
                credentialId,
                record = JsonSerializer.Serialize(record, WebAuthnJson.Default.PasskeyRecord),
                signCount = signCount.ToString(CultureInfo.InvariantCulture),
                maxKeys = maxKeys.ToString(CultureInfo.InvariantCulture),
            });
            if (added == -1 && claim == 1)
            {
                await WebAuthnScripts.ReleaseOwner.EvaluateAsync(Db, new { ownerKey, username });
            }

            return added switch
            {
                1 => RegisterOutcome.Registered,
                0 => RegisterOutcome.CredentialTaken,
                _ => RegisterOutcome.TooManyKeys,
            };
        }, cancellation);

    /// <summary>Compare-and-set of the sign counter: from <paramref name="expected"/> (what was read) to <paramref name="next"/>.</summary>
    public ValueTask<CounterOutcome> AdvanceCounterAsync(string username, string credentialId, uint expected, uint next, DateTimeOffset now, CancellationToken cancellation) =>
        guard.ExecuteAsync(async _ => (int)await WebAuthnScripts.AdvanceCounter.EvaluateAsync(Db, new
        {
            keysKey = StoreKeys.SecurityKeys(username),
            countersKey = StoreKeys.SecurityKeyCounters(username),
            usedKey = StoreKeys.SecurityKeysUsed(username),
            credentialId,
            expected = expected.ToString(CultureInfo.InvariantCulture),
            next = next.ToString(CultureInfo.InvariantCulture),
            now = now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
        }) switch
        {
            1 => CounterOutcome.Advanced,
            0 => CounterOutcome.Changed,
            _ => CounterOutcome.KeyRemoved,
        }, cancellation);

    public ValueTask<bool> RemoveAsync(string username, string credentialId, CancellationToken cancellation) =>
        guard.ExecuteAsync(async _ =>
        {
            var removed = (int)await WebAuthnScripts.Remove.EvaluateAsync(Db, new
            {
                keysKey = StoreKeys.SecurityKeys(username),
                countersKey = StoreKeys.SecurityKeyCounters(username),
                usedKey = StoreKeys.SecurityKeysUsed(username),
                credentialId,
            }) == 1;
            await ReleaseOwnerAsync(Db, credentialId, username);
            return removed;
        }, cancellation);

    /// <summary>Deletes the credential id's owner entry if it names <paramref name="username"/> (its own slot).</summary>
    internal static Task<RedisResult> ReleaseOwnerAsync(IDatabase db, string credentialId, string username) =>
        WebAuthnScripts.ReleaseOwner.EvaluateAsync(db, new { ownerKey = StoreKeys.WebAuthnCredentialOwner(credentialId), username });

    /// <summary>Stores a ceremony's state for <paramref name="lifetime"/> under a fresh id (never overwrites).</summary>
    public async ValueTask SaveCeremonyAsync(string ceremonyId, string stateJson, TimeSpan lifetime, CancellationToken cancellation) =>
        await guard.ExecuteAsync(async _ => await Db.StringSetAsync(StoreKeys.WebAuthnCeremony(ceremonyId), stateJson, lifetime, When.NotExists), cancellation);

    /// <summary>Takes a ceremony's state out of the store (GETDEL): exactly one caller ever sees it.</summary>
    public ValueTask<string?> TakeCeremonyAsync(string ceremonyId, CancellationToken cancellation) =>
        guard.ExecuteAsync(async _ => (string?)await Db.StringGetDeleteAsync(StoreKeys.WebAuthnCeremony(ceremonyId)), cancellation);

    private static StoredKey Read(string credentialId, RedisValue record, RedisValue counter, RedisValue used) =>
        new(credentialId,
            JsonSerializer.Deserialize((string)record!, WebAuthnJson.Default.PasskeyRecord)
                ?? throw new RedisException("A security key record in the store is empty."),
            // A record without a counter reads as a counter that can never be matched by the compare-and-set.
            counter.TryParse(out long count) && count is >= 0 and <= uint.MaxValue ? (uint)count : uint.MaxValue,
            used.TryParse(out long ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null);
}

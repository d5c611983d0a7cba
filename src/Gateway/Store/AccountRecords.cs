using Gateway.Accounts;
using Gateway.Resilience;
using StackExchange.Redis;

namespace Gateway.Store;

/// <summary>
/// Users' 2FA records: one hash per user plus a set of recovery-code hashes. Every change raises
/// <see cref="Changed"/> here at once and is announced on <see cref="StoreKeys.UserChangedChannel"/>, which
/// raises <see cref="Changed"/> on every instance; caches observe it (this class knows of none).
/// </summary>
internal sealed class AccountRecords : IUserTwoFactorStore, IAccountChanges
{
    private readonly IConnectionMultiplexer _store;
    private readonly TimeProvider _time;
    private readonly DependencyGuard _guard;
    private readonly ChangeChannel _changes;
    private readonly ReplicaConfirmation _replicas;

    public AccountRecords(IConnectionMultiplexer store, TimeProvider time, [FromKeyedServices(ResilienceRegistration.Store)] DependencyGuard guard,
        ReplicaConfirmation replicas)
    {
        _replicas = replicas;
        _store = store;
        _time = time;
        _guard = guard;
        _changes = new ChangeChannel(store, StoreKeys.UserChangedChannel);
    }

    /// <summary>A user's record changed (on this instance, or on another one as announced).</summary>
    public event Action<string>? Changed
    {
        add => _changes.Changed += value;
        remove => _changes.Changed -= value;
    }

    /// <summary>The connection came back: changes announced meanwhile may have been missed.</summary>
    public event Action? Reconnected
    {
        add => _changes.Reconnected += value;
        remove => _changes.Reconnected -= value;
    }

    private IDatabase Db => _store.GetDatabase();

    public ValueTask<UserTwoFactorState> GetAsync(string username, CancellationToken cancellation) =>
        _guard.ExecuteAsync(async _ => Read(await Db.HashGetAllAsync(StoreKeys.User(username))), cancellation);

    public ValueTask SetPendingAsync(string username, TwoFactorMode mode, string protectedSecret, CancellationToken cancellation) =>
        ChangeAsync(username, cancellation, (tx, key) =>
        {
            _ = tx.HashSetAsync(key, [new("pendingMode", mode.ToWire()), new("pendingSecret", protectedSecret), Now()]);
        });

    public ValueTask EnableWithoutSecretAsync(string username, TwoFactorMode mode, IReadOnlyCollection<string>? recoveryCodeHashes, CancellationToken cancellation) =>
        ChangeAsync(username, cancellation, (tx, key) =>
        {
            _ = tx.HashSetAsync(key, [new("mode", mode.ToWire()), new("enabledAt", _time.GetUtcNow().ToUnixTimeMilliseconds()), Now()]);
            if (recoveryCodeHashes is not null)
            {
                WriteRecoveryCodes(tx, username, recoveryCodeHashes);
            }
        });

    public ValueTask RemoveSecretAsync(string username, CancellationToken cancellation) =>
        ChangeAsync(username, cancellation, (tx, key) => _ = tx.HashDeleteAsync(key, ["secret", "pendingMode", "pendingSecret"]));

    public ValueTask ConfirmAsync(string username, TwoFactorMode mode, string protectedSecret, IReadOnlyCollection<string> recoveryCodeHashes, CancellationToken cancellation) =>
        ChangeAsync(username, cancellation, (tx, key) =>
        {
            _ = tx.HashSetAsync(key, [new("mode", mode.ToWire()), new("secret", protectedSecret), new("enabledAt", _time.GetUtcNow().ToUnixTimeMilliseconds()), Now()]);
            _ = tx.HashDeleteAsync(key, ["pendingMode", "pendingSecret"]);
            WriteRecoveryCodes(tx, username, recoveryCodeHashes);
            _ = tx.KeyDeleteAsync(StoreKeys.Failures(username));
        });

    public ValueTask SetModeAsync(string username, TwoFactorMode mode, CancellationToken cancellation) =>
        ChangeAsync(username, cancellation, (tx, key) => _ = tx.HashSetAsync(key, [new("mode", mode.ToWire()), Now()]));

    public ValueTask ClearPendingAsync(string username, CancellationToken cancellation) =>
        ChangeAsync(username, cancellation, (tx, key) => _ = tx.HashDeleteAsync(key, ["pendingMode", "pendingSecret"]));

    /// <summary>
    /// Turns 2FA off in one transaction on the user's slot: the record, the recovery codes, the failure counter and
    /// every security key (records, counters, last use). The key set is read first and the transaction applies
    /// only if it is unchanged, so a key added meanwhile cannot survive a disable; it is retried once. The
    /// credential ids' owner entries live in their own slots and are released afterwards (<see cref="WebAuthnScripts"/>).
    /// </summary>
    public async ValueTask DisableAsync(string username, CancellationToken cancellation)
    {
        for (var attempt = 1; ; attempt++)
        {
            var keysKey = StoreKeys.SecurityKeys(username);
            var ids = await _guard.ExecuteAsync(async _ => await Db.HashKeysAsync(keysKey), cancellation);
            try
            {
                await ChangeAsync(username, cancellation, (tx, key) =>
                {
                    tx.AddCondition(Condition.HashLengthEqual(keysKey, ids.Length));
                    _ = tx.KeyDeleteAsync(key);
                    _ = tx.KeyDeleteAsync(StoreKeys.RecoveryCodes(username));
                    _ = tx.KeyDeleteAsync(StoreKeys.Failures(username));
                    _ = tx.KeyDeleteAsync(keysKey);
                    _ = tx.KeyDeleteAsync(StoreKeys.SecurityKeyCounters(username));
                    _ = tx.KeyDeleteAsync(StoreKeys.SecurityKeysUsed(username));
                });
                await _guard.ExecuteAsync(async _ =>
                {
                    await Task.WhenAll(ids.Select(id => KeyRecords.ReleaseOwnerAsync(Db, id!, username)));
                    return true;
                }, cancellation);
                return;
            }
            catch (Resilience.DependencyUnavailableException e) when (attempt == 1 && e.InnerException is RedisException { Message: NotApplied })
            {
                // A key was added or removed between reading the set and the transaction: read it again.
            }
        }
    }

    public ValueTask<bool> ConsumeRecoveryCodeAsync(string username, string codeHash, CancellationToken cancellation) =>
        _guard.ExecuteAsync(async _ => await Db.SetRemoveAsync(StoreKeys.RecoveryCodes(username), codeHash), cancellation);

    public ValueTask<long> CountRecoveryCodesAsync(string username, CancellationToken cancellation) =>
        _guard.ExecuteAsync(async _ => await Db.SetLengthAsync(StoreKeys.RecoveryCodes(username)), cancellation);

    public ValueTask ReplaceRecoveryCodesAsync(string username, IReadOnlyCollection<string> recoveryCodeHashes, CancellationToken cancellation) =>
        ChangeAsync(username, cancellation, (tx, _) => WriteRecoveryCodes(tx, username, recoveryCodeHashes));

    private static void WriteRecoveryCodes(ITransaction tx, string username, IReadOnlyCollection<string> hashes)
    {
        var key = StoreKeys.RecoveryCodes(username);
        _ = tx.KeyDeleteAsync(key);
        _ = tx.SetAddAsync(key, hashes.Select(h => (RedisValue)h).ToArray());
    }

    private HashEntry Now() => new("updatedAt", _time.GetUtcNow().ToUnixTimeMilliseconds());

    /// <summary>Applies a change atomically, then tells every instance to forget its cached mode of the user.</summary>
    private const string NotApplied = "The 2FA record change for a user was not applied.";

    private async ValueTask ChangeAsync(string username, CancellationToken cancellation, Action<ITransaction, RedisKey> change)
    {
        await _guard.ExecuteAsync(async _ =>
        {
            var tx = Db.CreateTransaction();
            change(tx, StoreKeys.User(username));
            if (!await tx.ExecuteAsync())
            {
                throw new RedisException(NotApplied);
            }

            // An enrolment a failover could lose would leave the account without the 2FA its owner turned on.
            await _replicas.ConfirmAsync(StoreKeys.User(username));

            await _changes.AnnounceAsync(username);
            return true;
        }, cancellation);
    }

    private static UserTwoFactorState Read(HashEntry[] entries)
    {
        if (entries.Length == 0)
        {
            return UserTwoFactorState.None;
        }

        var fields = entries.ToDictionary(e => e.Name.ToString(), e => e.Value);
        TwoFactorModes.TryParse(fields.GetValueOrDefault("mode").ToString(), out var mode);
        TwoFactorModes.TryParse(fields.GetValueOrDefault("pendingMode").ToString(), out var pendingMode);
        // The mode alone says whether 2FA is on: a user may have a TOTP secret, security keys, or both.
        return new UserTwoFactorState(
            mode,
            (string?)fields.GetValueOrDefault("secret"),
            pendingMode,
            (string?)fields.GetValueOrDefault("pendingSecret"),
            ReadTime(fields.GetValueOrDefault("enabledAt")),
            ReadTime(fields.GetValueOrDefault("updatedAt")));
    }

    private static DateTimeOffset? ReadTime(RedisValue value) =>
        value.TryParse(out long ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
}

using Gateway.Resilience;
using StackExchange.Redis;

namespace Gateway.Accounts;

/// <summary>
/// Users' 2FA records in Redis (or the embedded Garnet): one hash per user plus a set of recovery-code
/// hashes. Every change is announced on <see cref="StoreKeys.UserChangedChannel"/> so that every
/// instance drops its cached mode within moments.
/// </summary>
internal sealed class RedisUserAccounts(
    IConnectionMultiplexer store,
    TimeProvider time,
    [FromKeyedServices(ResilienceRegistration.Store)] DependencyGuard guard,
    CachedUserModes? localModes = null) : IUserTwoFactorStore
{
    private IDatabase Db => store.GetDatabase();

    public ValueTask<UserTwoFactorState> GetAsync(string username, CancellationToken cancellation) =>
        guard.ExecuteAsync(async _ => Read(await Db.HashGetAllAsync(StoreKeys.User(username))), cancellation);

    public ValueTask SetPendingAsync(string username, TwoFactorMode mode, string protectedSecret, CancellationToken cancellation) =>
        ChangeAsync(username, cancellation, (tx, key) =>
        {
            _ = tx.HashSetAsync(key, [new("pendingMode", mode.ToWire()), new("pendingSecret", protectedSecret), Now()]);
        });

    public ValueTask EnableWithoutSecretAsync(string username, TwoFactorMode mode, IReadOnlyCollection<string>? recoveryCodeHashes, CancellationToken cancellation) =>
        ChangeAsync(username, cancellation, (tx, key) =>
        {
            _ = tx.HashSetAsync(key, [new("mode", mode.ToWire()), new("enabledAt", time.GetUtcNow().ToUnixTimeMilliseconds()), Now()]);
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
            _ = tx.HashSetAsync(key, [new("mode", mode.ToWire()), new("secret", protectedSecret), new("enabledAt", time.GetUtcNow().ToUnixTimeMilliseconds()), Now()]);
            _ = tx.HashDeleteAsync(key, ["pendingMode", "pendingSecret"]);
            WriteRecoveryCodes(tx, username, recoveryCodeHashes);
            _ = tx.KeyDeleteAsync(StoreKeys.Failures(username));
        });

    public ValueTask SetModeAsync(string username, TwoFactorMode mode, CancellationToken cancellation) =>
        ChangeAsync(username, cancellation, (tx, key) => _ = tx.HashSetAsync(key, [new("mode", mode.ToWire()), Now()]));

    public ValueTask ClearPendingAsync(string username, CancellationToken cancellation) =>
        ChangeAsync(username, cancellation, (tx, key) => _ = tx.HashDeleteAsync(key, ["pendingMode", "pendingSecret"]));

    public ValueTask DisableAsync(string username, CancellationToken cancellation) =>
        ChangeAsync(username, cancellation, (tx, key) =>
        {
            _ = tx.KeyDeleteAsync(key);
            _ = tx.KeyDeleteAsync(StoreKeys.RecoveryCodes(username));
            _ = tx.KeyDeleteAsync(StoreKeys.Failures(username));
        });

    public ValueTask<bool> ConsumeRecoveryCodeAsync(string username, string codeHash, CancellationToken cancellation) =>
        guard.ExecuteAsync(async _ => await Db.SetRemoveAsync(StoreKeys.RecoveryCodes(username), codeHash), cancellation);

    public ValueTask<long> CountRecoveryCodesAsync(string username, CancellationToken cancellation) =>
        guard.ExecuteAsync(async _ => await Db.SetLengthAsync(StoreKeys.RecoveryCodes(username)), cancellation);

    public ValueTask ReplaceRecoveryCodesAsync(string username, IReadOnlyCollection<string> recoveryCodeHashes, CancellationToken cancellation) =>
        ChangeAsync(username, cancellation, (tx, _) => WriteRecoveryCodes(tx, username, recoveryCodeHashes));

    private static void WriteRecoveryCodes(ITransaction tx, string username, IReadOnlyCollection<string> hashes)
    {
        var key = StoreKeys.RecoveryCodes(username);
        _ = tx.KeyDeleteAsync(key);
        _ = tx.SetAddAsync(key, hashes.Select(h => (RedisValue)h).ToArray());
    }

    private HashEntry Now() => new("updatedAt", time.GetUtcNow().ToUnixTimeMilliseconds());

    /// <summary>Applies a change atomically, then tells every instance to forget its cached mode of the user.</summary>
    private async ValueTask ChangeAsync(string username, CancellationToken cancellation, Action<ITransaction, RedisKey> change)
    {
        await guard.ExecuteAsync(async _ =>
        {
            var tx = Db.CreateTransaction();
            change(tx, StoreKeys.User(username));
            if (!await tx.ExecuteAsync())
            {
                throw new RedisException($"The 2FA record change for a user was not applied.");
            }

            // This instance forgets at once (pub/sub delivery is asynchronous: the caller's very next request
            // must see the change); the others when the message arrives.
            localModes?.Forget(username);
            await store.GetSubscriber().PublishAsync(RedisChannel.Literal(StoreKeys.UserChangedChannel), username);
            return true;
        }, cancellation);
    }

    internal static UserTwoFactorState Read(HashEntry[] entries)
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

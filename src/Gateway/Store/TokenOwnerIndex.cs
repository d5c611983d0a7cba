using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Gateway.Store;

/// <summary>
/// Gives every token record its owner index (<see cref="StoreKeys.TokenOwner"/>), at every start-up: records written
/// by a gateway of before the index (or by one still running the old version during a rolling upgrade, until the
/// next start) would otherwise not be found by reads, and their tokens would read every package. <c>SCAN</c> of
/// <c>gw:user:*:token:*</c> on each primary (a Cluster's too: the index is written through the cluster-aware
/// connection, in its own slot), then <c>SET NX</c> with the record's remaining lifetime plus
/// <see cref="TokenRecords.OwnerIndexMargin"/>: an index already written is never touched. The cost is one pass
/// over the user keys, like <see cref="StoreKeyMigration"/>'s, plus two commands per token record.
/// </summary>
internal static partial class TokenOwnerIndex
{
    private const string RecordInfix = ":token:";

    public static async Task RunAsync(IConnectionMultiplexer store, ILogger logger)
    {
        var db = store.GetDatabase();
        var indexed = 0;
        foreach (var server in store.GetServers())
        {
            if (server.IsReplica || !server.IsConnected)
            {
                continue;
            }

            await foreach (var key in server.KeysAsync(pattern: StoreKeys.UserPrefix + "*" + RecordInfix + "*", pageSize: 1000))
            {
                if (Parse(key.ToString()) is not { } record)
                {
                    continue;
                }

                var ttl = await db.KeyTimeToLiveAsync(key);
                if (await db.StringSetAsync(StoreKeys.TokenOwner(record.CredentialId), record.User, ttl + TokenRecords.OwnerIndexMargin, When.NotExists))
                {
                    indexed++;
                }
            }
        }

        if (indexed > 0)
        {
            LogIndexed(logger, indexed);
        }
    }

    /// <summary>The owner and keyed hash of a token record's key (<c>gw:user:{name}:token:&lt;hash&gt;</c>), else null.</summary>
    internal static (string User, string CredentialId)? Parse(string key)
    {
        var tagged = StoreKeys.UserPrefix + "{";
        if (!key.StartsWith(tagged, StringComparison.Ordinal))
        {
            return null;
        }

        // Usernames have no braces or ':' (Accounts/Usernames): the first '}' ends the name.
        var close = key.IndexOf('}', tagged.Length);
        if (close < 0 || !key.AsSpan(close + 1).StartsWith(RecordInfix, StringComparison.Ordinal))
        {
            return null;
        }

        var user = key[tagged.Length..close];
        var credentialId = key[(close + 1 + RecordInfix.Length)..];
        return Accounts.Usernames.IsWellFormed(user) && credentialId.Length > 0 && !credentialId.Contains(':') ? (user, credentialId) : null;
    }

    [LoggerMessage(EventId = LogEvents.TokenOwnersIndexed, Level = LogLevel.Information, Message = "Token records given their owner index: {Count}")]
    private static partial void LogIndexed(ILogger logger, int count);
}

using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Gateway.Store;

/// <summary>
/// Renames the user keys written before they carried a hash tag (<c>gw:user:alice:recovery</c> →
/// <c>gw:user:{alice}:recovery</c>, <see cref="StoreKeys"/>), once at start-up. Without it an upgraded gateway
/// would read every enrolled user as having no 2FA: a stolen token would be enough again (docs/SECURITY.md).
/// RENAMENX keeps the expiry and never overwrites a key already written under the new name. A Redis Cluster
/// is skipped: the scripts of before the tags could not run there, and a rename cannot cross slots.
/// In the same pass, a user's audit list written before lists expired gets <see cref="AuditRecords.PerUserLifetime"/>
/// (lists a flood of wrong passwords made for made-up names then lapse too; docs/SECURITY.md, "Anonymous noise").
/// </summary>
internal static partial class StoreKeyMigration
{
    public static async Task RunAsync(IConnectionMultiplexer store, ILogger logger)
    {
        foreach (var server in store.GetServers())
        {
            if (server.IsReplica || !server.IsConnected || server.ServerType == ServerType.Cluster)
            {
                continue;
            }

            var (renamed, expiring) = (0, 0);
            var db = store.GetDatabase();
            await foreach (var key in server.KeysAsync(pattern: StoreKeys.UserPrefix + "*", pageSize: 1000))
            {
                var name = key.ToString();
                if (TaggedName(name) is { } tagged && await db.KeyRenameAsync(key, tagged, When.NotExists))
                {
                    renamed++;
                    name = tagged;
                }

                if (name.EndsWith(":audit", StringComparison.Ordinal) && await db.KeyTimeToLiveAsync(name) is null
                    && await db.KeyExpireAsync(name, AuditRecords.PerUserLifetime))
                {
                    expiring++;
                }
            }

            if (renamed > 0)
            {
                LogRenamed(logger, renamed);
            }

            if (expiring > 0)
            {
                LogAuditListsExpiring(logger, expiring, (int)AuditRecords.PerUserLifetime.TotalDays);
            }
        }
    }

    /// <summary>The tagged name of a key of before the tags, or null for a key that has its tag already.</summary>
    internal static string? TaggedName(string key)
    {
        if (!key.StartsWith(StoreKeys.UserPrefix, StringComparison.Ordinal) || key.Length == StoreKeys.UserPrefix.Length
            || key[StoreKeys.UserPrefix.Length] == '{')
        {
            return null;
        }

        // Usernames have no ':' (Accounts/Usernames), so the first one after the prefix ends the name.
        var rest = key[StoreKeys.UserPrefix.Length..];
        var end = rest.IndexOf(':', StringComparison.Ordinal);
        return end < 0
            ? StoreKeys.UserPrefix + "{" + rest + "}"
            : StoreKeys.UserPrefix + "{" + rest[..end] + "}" + rest[end..];
    }

    [LoggerMessage(EventId = LogEvents.AuditListsExpiring, Level = LogLevel.Information, Message = "User audit lists of before their expiry now expire in {Days} days: {Count}")]
    private static partial void LogAuditListsExpiring(ILogger logger, int count, int days);

    [LoggerMessage(EventId = LogEvents.StoreKeysRenamed, Level = LogLevel.Information, Message = "Store keys renamed to their hash-tagged names: {Count}")]
    private static partial void LogRenamed(ILogger logger, int count);
}

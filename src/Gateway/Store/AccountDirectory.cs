using Gateway.Accounts;
using StackExchange.Redis;

namespace Gateway.Store;

/// <summary>
/// Every user with a 2FA record, for the operator's <c>admin users</c>: a <c>SCAN</c> of <c>gw:user:*</c> on each
/// primary, keeping the record keys themselves (<see cref="StoreKeys.User"/>), not the user's other keys. Not for
/// request paths: it walks the whole key space.
/// </summary>
internal sealed class AccountDirectory(IConnectionMultiplexer store, AccountRecords accounts)
{
    private const string Prefix = "gw:user:";

    public async IAsyncEnumerable<(string User, UserTwoFactorState State)> ListAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellation)
    {
        // Not through the store's guard: its 2-second timeout is for request paths, and a large key space takes longer.
        var found = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var server in store.GetServers().Where(s => !s.IsReplica))
        {
            await foreach (var key in server.KeysAsync(pattern: Prefix + "*", pageSize: 500).WithCancellation(cancellation))
            {
                // The record itself is gw:user:{name} (StoreKeys.User); the user's other keys go on after the tag.
                var rest = key.ToString()[Prefix.Length..];
                var name = rest.StartsWith('{') && rest.EndsWith('}') ? rest[1..^1] : "";
                if (Usernames.IsWellFormed(name))
                {
                    found.Add(name);
                }
            }
        }

        foreach (var name in found)
        {
            yield return (name, await accounts.GetAsync(name, cancellation));
        }
    }
}

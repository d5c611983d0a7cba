using Gateway.Store;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Gateway.Tests.Store;

/// <summary>
/// An upgraded gateway must still see every enrolled user's 2FA: the user keys written before the hash tags are
/// renamed at start-up, with their expiry, and a key already written under the new name is never overwritten.
/// </summary>
public sealed class StoreKeyMigrationTests(EmbeddedGarnetFixture store) : IClassFixture<EmbeddedGarnetFixture>
{
    [Theory]
    [InlineData("gw:user:alice", "gw:user:{alice}")]
    [InlineData("gw:user:alice:recovery", "gw:user:{alice}:recovery")]
    [InlineData("gw:user:a.b@c:failures:sign-in", "gw:user:{a.b@c}:failures:sign-in")]
    [InlineData("gw:user:{alice}:recovery", null)]
    [InlineData("gw:user:", null)]
    public void TaggedName_OldKey_TagIsTheWholeUsername(string key, string? expected) =>
        Assert.Equal(expected, StoreKeyMigration.TaggedName(key));

    [Fact]
    public async Task RunAsync_OldUserKeys_RenamedWithTheirExpiry_NewerKeysKept()
    {
        var name = "migrated" + Guid.NewGuid().ToString("N")[..8];
        var db = store.Multiplexer.GetDatabase();
        await db.HashSetAsync("gw:user:" + name, "mode", "auth-and-writes");
        await db.StringSetAsync($"gw:user:{name}:totp:1", "cred", TimeSpan.FromMinutes(1));
        await db.SetAddAsync($"gw:user:{name}:recovery", "old");
        await db.SetAddAsync(StoreKeys.RecoveryCodes(name), "new");

        await StoreKeyMigration.RunAsync(store.Multiplexer, NullLogger.Instance);

        Assert.Equal("auth-and-writes", (string?)await db.HashGetAsync(StoreKeys.User(name), "mode"));
        Assert.Equal("cred", (string?)await db.StringGetAsync(StoreKeys.UsedTotp(name, 1)));
        Assert.InRange((await db.KeyTimeToLiveAsync(StoreKeys.UsedTotp(name, 1)))!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        Assert.Equal(["new"], (await db.SetMembersAsync(StoreKeys.RecoveryCodes(name))).Select(v => (string?)v));
        Assert.False(await db.KeyExistsAsync("gw:user:" + name));
    }

    [Fact]
    public async Task RunAsync_AuditListsOfBeforeTheirExpiry_Expire_OthersKeepTheirs()
    {
        var old = "old" + Guid.NewGuid().ToString("N")[..8];
        var current = "current" + Guid.NewGuid().ToString("N")[..8];
        var db = store.Multiplexer.GetDatabase();
        await db.ListLeftPushAsync($"gw:user:{old}:audit", "{}"); // before the hash tags, too
        await db.ListLeftPushAsync(StoreKeys.UserAuditTrail(current), "{}");
        await db.KeyExpireAsync(StoreKeys.UserAuditTrail(current), TimeSpan.FromDays(3));

        await StoreKeyMigration.RunAsync(store.Multiplexer, NullLogger.Instance);

        Assert.InRange((await db.KeyTimeToLiveAsync(StoreKeys.UserAuditTrail(old)))!.Value, TimeSpan.FromDays(399), AuditRecords.PerUserLifetime);
        Assert.InRange((await db.KeyTimeToLiveAsync(StoreKeys.UserAuditTrail(current)))!.Value, TimeSpan.FromDays(2), TimeSpan.FromDays(3));
    }

    [Fact]
    public void KeysOneScriptOrTransactionTouches_ShareOneClusterSlot()
    {
        const string user = "alice";
        RedisKey[] perUser =
        [
            StoreKeys.User(user), StoreKeys.RecoveryCodes(user), StoreKeys.Failures(user), StoreKeys.Failures(user, "sign-in"),
            StoreKeys.UsedTotp(user, 123), StoreKeys.UsedRecoveryCode(user, "ab"), StoreKeys.SecurityKeys(user),
            StoreKeys.SecurityKeyCounters(user), StoreKeys.SecurityKeysUsed(user), StoreKeys.WebAuthnHandle(user), StoreKeys.UserAuditTrail(user),
        ];
        RedisKey[] perDone = [StoreKeys.FlowDone("d1"), StoreKeys.FlowResult("d1")];

        Assert.Single(perUser.Select(Slot).Distinct());
        const string stage = "1b4e28ba-2fa1-11d2-883f-0016d3cca427";
        RedisKey[] perStage = [StoreKeys.Stage(stage), StoreKeys.StageChunk(stage, 0), StoreKeys.StageChunk(stage, 529)];

        Assert.Single(perDone.Select(Slot).Distinct());
        Assert.Single(perStage.Select(Slot).Distinct());
        Assert.NotEqual(Slot(StoreKeys.User(user)), Slot(StoreKeys.User("bob")));
    }

    /// <summary>Redis Cluster's key slot (cluster spec: CRC16-XMODEM of the hash tag, or of the whole key, mod 16384).</summary>
    private static int Slot(RedisKey key)
    {
        var text = (string)key!;
        var open = text.IndexOf('{', StringComparison.Ordinal);
        var close = open < 0 ? -1 : text.IndexOf('}', open + 1);
        var hashed = close > open + 1 ? text[(open + 1)..close] : text;
        ushort crc = 0;
        foreach (var b in System.Text.Encoding.UTF8.GetBytes(hashed))
        {
            crc ^= (ushort)(b << 8);
            for (var i = 0; i < 8; i++)
            {
                crc = (crc & 0x8000) != 0 ? (ushort)((crc << 1) ^ 0x1021) : (ushort)(crc << 1);
            }
        }

        return crc % 16384;
    }
}

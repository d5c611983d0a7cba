using System.Text.RegularExpressions;
using Gateway.Security;
using Gateway.Store;
using Gateway.Tests.Store;
using Gateway.TwoFactor;

namespace Gateway.Tests.TwoFactor;

[Collection(StoreCollection.Name)]
public sealed partial class RecoveryCodesTests(RedisServerFixture store)
{
    private readonly RecoveryCodes _codes = new(new KeyedHasher(new SecretKeys(store.Multiplexer), store.Protection));

    [Fact]
    public void Generate_Once_GivesTenDistinctBase32CodesOfEightyBits()
    {
        var codes = RecoveryCodes.Generate();

        Assert.Equal(10, codes.Count);
        Assert.Equal(codes.Count, codes.Distinct().Count());
        // 16 characters of a 32-letter alphabet: 16 × 5 = 80 bits (≥ 64).
        Assert.All(codes, code => Assert.Matches(CodeShape(), code));
        Assert.All(codes, code => Assert.True(RecoveryCodes.LooksLikeRecoveryCode(code)));
    }

    [Fact]
    public void Generate_TwoCalls_ShareNoCode()
    {
        Assert.Empty(RecoveryCodes.Generate().Intersect(RecoveryCodes.Generate()));
    }

    [Fact]
    public void Generate_ManyCodes_UseTheWholeAlphabet()
    {
        // 100 codes × 16 characters: every one of the 32 letters appears unless the bit reader is skewed.
        var used = Enumerable.Range(0, 10).SelectMany(_ => RecoveryCodes.Generate()).SelectMany(c => c.Replace("-", "")).ToHashSet();

        Assert.Equal("abcdefghijklmnopqrstuvwxyz234567".ToHashSet(), used);
    }

    [Theory]
    [InlineData("abcd-efgh-ijkl-mnop", true)]
    [InlineData("ABCD-EFGH-IJKL-MNOP", true)]
    [InlineData("AbCd-eFgH-iJkL-mNoP", true)]
    [InlineData("abcdefghijklmnop", true)]
    [InlineData("abcd efgh ijkl mnop", true)]
    [InlineData("qrst-uvwx-yz23-4567", true)]
    [InlineData("123456", false)]
    [InlineData("000000", false)]
    [InlineData("abcd-efgh-ijkl-mno", false)]
    [InlineData("abcd-efgh-ijkl-mnopq", false)]
    [InlineData("abcd-efgh-ijkl-mno1", false)] // 0, 1, 8, 9 are not base32
    [InlineData("abcd-efgh-ijkl-mno8", false)]
    [InlineData("abcd_efgh_ijkl_mnop", false)]
    [InlineData("", false)]
    public void LooksLikeRecoveryCode_Text_MatchesShapeInAnyCase(string text, bool expected)
    {
        Assert.Equal(expected, RecoveryCodes.LooksLikeRecoveryCode(text));
    }

    [Theory]
    [InlineData("ABCD-EFGH-IJKL-MNOP")]
    [InlineData("abcdefghijklmnop")]
    [InlineData("abcd efgh ijkl mnop")]
    [InlineData("AbCdEfGh-IjKl MnOp")]
    public void Hash_SpellingVariant_EqualsHashOfCanonicalCode(string variant)
    {
        const string user = "alice";

        Assert.Equal(_codes.Hash(user, "abcd-efgh-ijkl-mnop"), _codes.Hash(user, variant));
    }

    [Fact]
    public void Hash_SameCodeOtherUser_Differs()
    {
        Assert.NotEqual(_codes.Hash("alice", "abcd-efgh-ijkl-mnop"), _codes.Hash("bob", "abcd-efgh-ijkl-mnop"));
    }

    [Fact]
    public void Hash_OtherCode_Differs()
    {
        Assert.NotEqual(_codes.Hash("alice", "abcd-efgh-ijkl-mnop"), _codes.Hash("alice", "abcd-efgh-ijkl-mnoq"));
    }

    [Fact]
    public void Hash_Code_IsKeyedHexNotTheCode()
    {
        var hash = _codes.Hash("alice", "abcd-efgh-ijkl-mnop");

        Assert.Matches("^[0-9a-f]{64}$", hash);
        Assert.DoesNotContain("abcdefghijklmnop", hash);
    }

    [Fact]
    public void Hash_SecondHasherOverSameStore_GivesSameHash()
    {
        // Two gateway instances: the HMAC key is in the store, so both hash a code alike.
        var other = new RecoveryCodes(new KeyedHasher(new SecretKeys(store.Multiplexer), store.Protection));

        Assert.Equal(_codes.Hash("alice", "abcd-efgh-ijkl-mnop"), other.Hash("alice", "abcd-efgh-ijkl-mnop"));
    }

    [Fact]
    public void HashAll_Codes_HashesEachInOrder()
    {
        var codes = RecoveryCodes.Generate();

        Assert.Equal(codes.Select(c => _codes.Hash("alice", c)), _codes.HashAll("alice", codes));
    }

    [GeneratedRegex("^[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}$")]
    private static partial Regex CodeShape();
}

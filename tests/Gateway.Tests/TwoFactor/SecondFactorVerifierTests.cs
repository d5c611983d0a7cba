using System.Diagnostics;
using System.Net;
using Gateway.Accounts;
using Gateway.Audit;
using Gateway.Configuration;
using Gateway.Identity;
using Gateway.Resilience;
using Gateway.Security;
using Gateway.Store;
using Gateway.Tests.Store;
using Gateway.Tests.WebAuthn;
using Gateway.TwoFactor;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace Gateway.Tests.TwoFactor;

/// <summary>
/// The real verifier over a real store, real Data Protection and a fake clock. Runs on redis-server and
/// on the embedded Garnet. Store-side TTLs run on the store's own clock, not the fake one: where a
/// test needs one to have expired it checks the TTL the verifier set and then deletes the key.
/// </summary>
public abstract class SecondFactorVerifierTests
{
    // The start of a 30-second step plus 10 s, so ±30 s stays inside the neighbouring steps.
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeSeconds(1_700_000_010 + 10);

    private readonly FakeTimeProvider _time = new(Start);
    private readonly Harness _harness;
    private readonly string _user = TestUsers.Unique();
    private readonly CallerIdentity _credentialA;
    private readonly CallerIdentity _credentialB;

    protected SecondFactorVerifierTests(IStoreFixture store)
    {
        _harness = new Harness(store.Multiplexer, store.Protection, _time, StoreGuard.Create(_time));
        _credentialA = new CallerIdentity(_user, "credential-a");
        _credentialB = new CallerIdentity(_user, "credential-b");
    }

    [Collection(StoreCollection.Name)]
    public sealed class OnRedis(RedisServerFixture store) : SecondFactorVerifierTests(store)
    {
        /// <summary>
        /// A connection that fails fast while disconnected. The verifier is made while the store is up, as the
        /// gateway's are (its mode cache subscribes to changes when it is made; start-up connects the store first).
        /// </summary>
        [Fact]
        public async Task VerifyAsync_StoreUnreachable_ThrowsDependencyUnavailable()
        {
            await using var server = await RedisServerProcess.StartAsync();
            var options = new ConfigurationOptions
            {
                EndPoints = { { IPAddress.Loopback, server.Port } },
                AbortOnConnectFail = false,
                BacklogPolicy = BacklogPolicy.FailFast,
                ConnectTimeout = 200,
            };
            await using var failFast = await ConnectionMultiplexer.ConnectAsync(options);
            var time = new FakeTimeProvider(Start);
            var harness = new Harness(failFast, new EphemeralDataProtectionProvider(), time, StoreGuard.Create(time));

            server.Kill();

            // Not an outcome: the exception reaches the one place that answers 503 (DependencyFailureHandler).
            await Assert.ThrowsAsync<DependencyUnavailableException>(async () =>
                await harness.Verifier.VerifyAsync(new CallerIdentity("alice", "credential-a"), "123456", default));
        }

        /// <summary>
        /// The store goes away after enrolment, with the production connection defaults (commands queue
        /// while disconnected) and the production guard (2 s timeout, real clock): fail closed.
        /// </summary>
        [Fact]
        public async Task VerifyAsync_StoreKilledAfterEnrolment_ThrowsDependencyUnavailable()
        {
            await using var server = await RedisServerProcess.StartAsync();
            await using var client = await server.ConnectAsync();
            var time = new FakeTimeProvider(Start);
            var protection = new EphemeralDataProtectionProvider();
            var enrolled = new Harness(client, protection, time, StoreGuard.Create(time));
            var (secret, _) = await enrolled.EnrolAsync("alice");
            var verifier = new Harness(client, protection, time, StoreGuard.Create(TimeProvider.System)).Verifier;

            server.Kill();

            await Assert.ThrowsAsync<DependencyUnavailableException>(async () =>
                await verifier.VerifyAsync(new CallerIdentity("alice", "credential-a"), TotpCodes.Compute(secret, time.GetUtcNow()), default));
        }

        /// <summary>The guard's 2 s timeout should bound how long a protected request waits for a dead store.</summary>
        [Fact]
        public async Task VerifyAsync_StoreKilled_AnswersWithinGuardTimeout()
        {
            await using var server = await RedisServerProcess.StartAsync();
            await using var client = await server.ConnectAsync();
            var time = new FakeTimeProvider(Start);
            var protection = new EphemeralDataProtectionProvider();
            var (secret, _) = await new Harness(client, protection, time, StoreGuard.Create(time)).EnrolAsync("alice");
            var verifier = new Harness(client, protection, time, StoreGuard.Create(TimeProvider.System)).Verifier;

            server.Kill();
            var stopwatch = Stopwatch.StartNew();
            await Assert.ThrowsAsync<DependencyUnavailableException>(async () =>
                await verifier.VerifyAsync(new CallerIdentity("alice", "credential-a"), TotpCodes.Compute(secret, time.GetUtcNow()), default));
            stopwatch.Stop();

            Assert.InRange(stopwatch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(3));
        }
    }

    [Collection(StoreCollection.Name)]
    public sealed class OnEmbeddedGarnet(EmbeddedGarnetFixture store) : SecondFactorVerifierTests(store);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public async Task VerifyAsync_NoCode_IsMissingAndNotAFailure(string? otp)
    {
        await _harness.EnrolAsync(_user);

        var result = await _harness.Verifier.VerifyAsync(_credentialA, otp, default);

        Assert.Equal(VerificationResult.Of(VerificationOutcome.Missing), result);
        Assert.False((await _harness.Regulator.CheckAsync(_user, default)).HasFailures);
    }

    [Fact]
    public async Task VerifyAsync_ValidTotp_IsVerifiedTotp()
    {
        var (secret, _) = await _harness.EnrolAsync(_user);

        var result = await _harness.Verifier.VerifyAsync(_credentialA, TotpCodes.Compute(secret, _time.GetUtcNow()), default);

        Assert.Equal(new VerificationResult(VerificationOutcome.Verified, Factor: "totp"), result);
    }

    [Theory]
    [InlineData(-30)]
    [InlineData(30)]
    public async Task VerifyAsync_TotpOfNeighbouringStep_IsVerified(int shiftSeconds)
    {
        var (secret, _) = await _harness.EnrolAsync(_user);

        var result = await _harness.Verifier.VerifyAsync(_credentialA, TotpCodes.Compute(secret, _time.GetUtcNow().AddSeconds(shiftSeconds)), default);

        Assert.Equal(VerificationOutcome.Verified, result.Outcome);
    }

    [Fact]
    public async Task VerifyAsync_TotpWithSurroundingSpaces_IsVerified()
    {
        var (secret, _) = await _harness.EnrolAsync(_user);

        var result = await _harness.Verifier.VerifyAsync(_credentialA, " " + TotpCodes.Compute(secret, _time.GetUtcNow()) + " ", default);

        Assert.Equal(VerificationOutcome.Verified, result.Outcome);
    }

    [Fact]
    public async Task VerifyAsync_SameTotpSameCredentialWithinWindow_IsVerifiedAgain()
    {
        var (secret, _) = await _harness.EnrolAsync(_user);
        var code = TotpCodes.Compute(secret, _time.GetUtcNow());
        await _harness.Verifier.VerifyAsync(_credentialA, code, default);

        // npm sends the same code on every request of one command.
        _time.Advance(TimeSpan.FromSeconds(25));
        var again = await _harness.Verifier.VerifyAsync(_credentialA, code, default);

        Assert.Equal(new VerificationResult(VerificationOutcome.Verified, Factor: "totp"), again);
    }

    [Fact]
    public async Task VerifyAsync_SameTotpOtherCredential_IsReplayed()
    {
        var (secret, _) = await _harness.EnrolAsync(_user);
        var code = TotpCodes.Compute(secret, _time.GetUtcNow());
        await _harness.Verifier.VerifyAsync(_credentialA, code, default);

        var replay = await _harness.Verifier.VerifyAsync(_credentialB, code, default);

        Assert.Equal(VerificationOutcome.Replayed, replay.Outcome);
    }

    [Fact]
    public async Task VerifyAsync_TotpBinding_LastsUntilAcceptedUntil()
    {
        var (secret, _) = await _harness.EnrolAsync(_user);
        var now = _time.GetUtcNow();
        await _harness.Verifier.VerifyAsync(_credentialA, TotpCodes.Compute(secret, now), default);

        var step = now.ToUnixTimeSeconds() / TotpCodes.StepSeconds;
        var ttl = await _harness.Store.GetDatabase().KeyTimeToLiveAsync(StoreKeys.UsedTotp(_user, step));

        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TotpCodes.AcceptedUntil(step) - now - TimeSpan.FromSeconds(2), TotpCodes.AcceptedUntil(step) - now);
    }

    [Fact]
    public async Task VerifyAsync_WrongTotp_IsInvalid()
    {
        var (secret, _) = await _harness.EnrolAsync(_user);

        var result = await _harness.Verifier.VerifyAsync(_credentialA, WrongCode(secret), default);

        Assert.Equal(VerificationResult.Of(VerificationOutcome.Invalid), result);
    }

    [Fact]
    public async Task VerifyAsync_TotpAfterItsWindow_IsInvalidAndFreshCodeIsVerified()
    {
        var (secret, _) = await _harness.EnrolAsync(_user);
        var code = TotpCodes.Compute(secret, _time.GetUtcNow());
        await _harness.Verifier.VerifyAsync(_credentialA, code, default);

        _time.Advance(TimeSpan.FromSeconds(90));

        Assert.Equal(VerificationOutcome.Invalid, (await _harness.Verifier.VerifyAsync(_credentialA, code, default)).Outcome);
        Assert.Equal(VerificationOutcome.Verified, (await _harness.Verifier.VerifyAsync(_credentialA, TotpCodes.Compute(secret, _time.GetUtcNow()), default)).Outcome);
    }

    [Fact]
    public async Task VerifyAsync_WrongCodeThenRecoveryCode_AreAudited()
    {
        var (secret, codes) = await _harness.EnrolAsync(_user);

        await _harness.Verifier.VerifyAsync(_credentialA, WrongCode(secret), default);
        await _harness.Verifier.VerifyAsync(_credentialA, codes[0], default);

        var audited = (await _harness.Audit.NewestAsync(_user, 10, default)).Select(e => (e.Type, e.Outcome));
        Assert.Equal([(AuditEventTypes.RecoveryCodeUsed, "used"), (AuditEventTypes.CodeRefused, "invalid")], audited);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task VerifyAsync_RecoveryCode_IsVerifiedRecoveryCodeAndConsumed(bool respelled)
    {
        var (_, codes) = await _harness.EnrolAsync(_user);
        var code = respelled ? codes[3].Replace("-", "").ToUpperInvariant() : codes[3];

        var result = await _harness.Verifier.VerifyAsync(_credentialA, code, default);

        Assert.Equal(new VerificationResult(VerificationOutcome.Verified, Factor: "recovery-code"), result);
        Assert.Equal(RecoveryCodes.Count - 1, await _harness.Accounts.CountRecoveryCodesAsync(_user, default));
    }

    [Fact]
    public async Task VerifyAsync_SameRecoveryCodeOtherCredential_IsReplayed()
    {
        var (_, codes) = await _harness.EnrolAsync(_user);
        await _harness.Verifier.VerifyAsync(_credentialA, codes[0], default);

        Assert.Equal(VerificationOutcome.Replayed, (await _harness.Verifier.VerifyAsync(_credentialB, codes[0], default)).Outcome);
    }

    [Fact]
    public async Task VerifyAsync_SameRecoveryCodeSameCredentialWithinFiveMinutes_IsVerified()
    {
        var (_, codes) = await _harness.EnrolAsync(_user);
        await _harness.Verifier.VerifyAsync(_credentialA, codes[0], default);

        _time.Advance(TimeSpan.FromMinutes(4));
        var again = await _harness.Verifier.VerifyAsync(_credentialA, codes[0], default);

        Assert.Equal(new VerificationResult(VerificationOutcome.Verified, Factor: "recovery-code"), again);
        Assert.Equal(RecoveryCodes.Count - 1, await _harness.Accounts.CountRecoveryCodesAsync(_user, default));
    }

    [Fact]
    public async Task VerifyAsync_SpentRecoveryCodeAfterFiveMinutes_IsInvalid()
    {
        var (_, codes) = await _harness.EnrolAsync(_user);
        await _harness.Verifier.VerifyAsync(_credentialA, codes[0], default);
        var usedKey = StoreKeys.UsedRecoveryCode(_user, _harness.RecoveryCodes.Hash(_user, codes[0]));

        // The binding is a store TTL (the store's clock): check it is five minutes, then let it "expire".
        var ttl = await _harness.Store.GetDatabase().KeyTimeToLiveAsync(usedKey);
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5));
        _time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        await _harness.Store.GetDatabase().KeyDeleteAsync(usedKey);

        Assert.Equal(VerificationOutcome.Invalid, (await _harness.Verifier.VerifyAsync(_credentialA, codes[0], default)).Outcome);
    }

    [Fact]
    public async Task VerifyAsync_UnknownRecoveryCode_IsInvalid()
    {
        await _harness.EnrolAsync(_user);

        var result = await _harness.Verifier.VerifyAsync(_credentialA, RecoveryCodes.Generate()[0], default);

        Assert.Equal(VerificationResult.Of(VerificationOutcome.Invalid), result);
        Assert.Equal(RecoveryCodes.Count, await _harness.Accounts.CountRecoveryCodesAsync(_user, default));
    }

    [Fact]
    public async Task VerifyAsync_RecoveryCodeOfAnotherUser_IsInvalid()
    {
        var (_, othersCodes) = await _harness.EnrolAsync(TestUsers.Unique("other"));
        await _harness.EnrolAsync(_user);

        Assert.Equal(VerificationOutcome.Invalid, (await _harness.Verifier.VerifyAsync(_credentialA, othersCodes[0], default)).Outcome);
    }

    [Theory]
    [InlineData("12345")]
    [InlineData("not-a-code")]
    [InlineData("abcd-efgh-ijkl-mnop-qrst")]
    public async Task VerifyAsync_NeitherTotpNorRecoveryShape_IsInvalid(string otp)
    {
        await _harness.EnrolAsync(_user);

        Assert.Equal(VerificationOutcome.Invalid, (await _harness.Verifier.VerifyAsync(_credentialA, otp, default)).Outcome);
    }

    [Fact]
    public async Task VerifySecurityKeyAsync_RegisteredKey_IsVerifiedSecurityKey()
    {
        var key = await _harness.KeyHarness.RegisterAsync(_user);

        var result = await VerifyKeyAsync(_user, key);

        Assert.Equal(new VerificationResult(VerificationOutcome.Verified, Factor: "security-key"), result);
    }

    [Fact]
    public async Task VerifySecurityKeyAsync_AnotherUsersKey_IsInvalidAndCountsTowardsTheSameLockout()
    {
        // An attacker holding the session (or the password) and a key of their own: the assertion fails, and
        // key failures and code failures share one counter, so alternating them gains no extra attempts.
        var (secret, _) = await _harness.EnrolAsync(_user);
        await _harness.KeyHarness.RegisterAsync(_user);
        var strangersKey = await _harness.KeyHarness.RegisterAsync(TestUsers.Unique());
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(VerificationOutcome.Invalid, (await VerifyKeyAsync(_user, strangersKey)).Outcome);
            Assert.Equal(VerificationOutcome.Invalid, (await _harness.Verifier.VerifyAsync(_credentialA, WrongCode(secret), default)).Outcome);
        }

        var fifth = await VerifyKeyAsync(_user, strangersKey);
        var locked = await _harness.Verifier.VerifyAsync(_credentialA, TotpCodes.Compute(secret, _time.GetUtcNow()), default);

        Assert.Equal(new VerificationResult(VerificationOutcome.Invalid, TimeSpan.FromSeconds(30)), fifth);
        Assert.Equal(VerificationOutcome.LockedOut, locked.Outcome);
    }

    private async Task<VerificationResult> VerifyKeyAsync(string username, SoftwareAuthenticator key)
    {
        var ceremony = await _harness.KeyHarness.Keys.BeginAssertionAsync(username, SecurityKeysHarness.NewHttpContext(), default);
        Assert.NotNull(ceremony);
        return await _harness.Verifier.VerifySecurityKeyAsync(username, ceremony.Id, key.Get(ceremony.OptionsJson), SecurityKeysHarness.NewHttpContext(), default);
    }

    [Fact]
    public async Task VerifyAsync_FifthFailure_StartsLockoutAndNextAttemptIsLockedOut()
    {
        var (secret, _) = await _harness.EnrolAsync(_user);
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(VerificationResult.Of(VerificationOutcome.Invalid), await _harness.Verifier.VerifyAsync(_credentialA, WrongCode(secret), default));
        }

        var fifth = await _harness.Verifier.VerifyAsync(_credentialA, WrongCode(secret), default);
        _time.Advance(TimeSpan.FromSeconds(10));
        var locked = await _harness.Verifier.VerifyAsync(_credentialA, TotpCodes.Compute(secret, _time.GetUtcNow()), default);

        Assert.Equal(new VerificationResult(VerificationOutcome.Invalid, TimeSpan.FromSeconds(30)), fifth);
        Assert.Equal(new VerificationResult(VerificationOutcome.LockedOut, TimeSpan.FromSeconds(20)), locked);
    }

    /// <summary>
    /// Many guesses at once (parallel requests with one stolen token): the lock check and the count are one
    /// store step, so no more than the free failures get an answer other than "locked".
    /// </summary>
    [Fact]
    public async Task VerifyAsync_BurstOf50WrongCodes_AtMostFiveAnsweredBeforeLockout()
    {
        var (secret, _) = await _harness.EnrolWarmAsync(_user);

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            _harness.Verifier.VerifyAsync(new CallerIdentity(_user, "thief-" + i), WrongCode(secret), default).AsTask()));

        Assert.Equal(5, results.Count(r => r.Outcome == VerificationOutcome.Invalid));
        Assert.Equal(45, results.Count(r => r.Outcome == VerificationOutcome.LockedOut));
        Assert.NotNull((await _harness.Regulator.CheckAsync(_user, default)).LockedFor);
    }

    [Fact]
    public async Task VerifyAsync_RightCodeSentAfterABurstOfWrongOnes_IsLockedOut()
    {
        var (secret, _) = await _harness.EnrolWarmAsync(_user);
        var wrong = Enumerable.Range(0, 20).Select(_ => _harness.Verifier.VerifyAsync(_credentialA, WrongCode(secret), default).AsTask()).ToList();

        var right = await _harness.Verifier.VerifyAsync(_credentialA, TotpCodes.Compute(secret, _time.GetUtcNow()), default);
        await Task.WhenAll(wrong);

        Assert.Equal(VerificationOutcome.LockedOut, right.Outcome);
        Assert.NotNull((await _harness.Regulator.CheckAsync(_user, default)).LockedFor);
    }

    [Fact]
    public async Task VerifyAsync_RecoveryCodeSentAfterABurstOfWrongOnes_IsLockedOutAndNotSpent()
    {
        var (_, codes) = await _harness.EnrolWarmAsync(_user);
        var wrong = Enumerable.Range(0, 20).Select(_ => _harness.Verifier.VerifyAsync(_credentialA, "aaaa-bbbb-cccc-dddd", default).AsTask()).ToList();

        var right = await _harness.Verifier.VerifyAsync(_credentialA, codes[0], default);
        var results = await Task.WhenAll(wrong);

        Assert.Equal(VerificationOutcome.LockedOut, right.Outcome);
        Assert.Equal(5, results.Count(r => r.Outcome == VerificationOutcome.Invalid));
        Assert.Equal(RecoveryCodes.Count, await _harness.Accounts.CountRecoveryCodesAsync(_user, default));
    }

    [Fact]
    public async Task VerifyAsync_AfterLockoutEnds_ValidCodeIsVerifiedAndResetsCount()
    {
        var (secret, _) = await _harness.EnrolAsync(_user);
        for (var i = 0; i < 6; i++)
        {
            await _harness.Verifier.VerifyAsync(_credentialA, WrongCode(secret), default);
        }

        _time.Advance(TimeSpan.FromSeconds(31));
        var result = await _harness.Verifier.VerifyAsync(_credentialA, TotpCodes.Compute(secret, _time.GetUtcNow()), default);

        Assert.Equal(VerificationOutcome.Verified, result.Outcome);
        Assert.Equal((null, false), await _harness.Regulator.CheckAsync(_user, default));
    }

    [Fact]
    public async Task VerifyAsync_SuccessAfterFailures_ResetsFailureCount()
    {
        var (secret, _) = await _harness.EnrolAsync(_user);
        for (var i = 0; i < 4; i++)
        {
            await _harness.Verifier.VerifyAsync(_credentialA, WrongCode(secret), default);
        }

        Assert.Equal(VerificationOutcome.Verified, (await _harness.Verifier.VerifyAsync(_credentialA, TotpCodes.Compute(secret, _time.GetUtcNow()), default)).Outcome);
        for (var i = 0; i < 4; i++)
        {
            // Without the reset the 5th failure in all (the 1st here) would start a lock-out.
            Assert.Equal(VerificationResult.Of(VerificationOutcome.Invalid), await _harness.Verifier.VerifyAsync(_credentialA, WrongCode(secret), default));
        }
    }

    [Fact]
    public async Task VerifyAsync_UserWithoutSecret_IsInvalid()
    {
        var result = await _harness.Verifier.VerifyAsync(_credentialA, "123456", default);

        Assert.Equal(VerificationResult.Of(VerificationOutcome.Invalid), result);
    }

    [Fact]
    public async Task VerifyAsync_UserWithOnlyPendingSecret_IsInvalid()
    {
        var secret = TotpCodes.NewSecret();
        await _harness.Accounts.SetPendingAsync(_user, TwoFactorMode.AuthAndWrites, _harness.Vault.Protect(_user, secret), default);

        var result = await _harness.Verifier.VerifyAsync(_credentialA, TotpCodes.Compute(secret, _time.GetUtcNow()), default);

        Assert.Equal(VerificationOutcome.Invalid, result.Outcome);
    }

    /// <summary>A six-digit code that is not the secret's code for this step or its neighbours.</summary>
    private string WrongCode(byte[] secret)
    {
        var now = _time.GetUtcNow();
        var valid = new[] { -30, 0, 30 }.Select(s => TotpCodes.Compute(secret, now.AddSeconds(s))).ToHashSet();
        return Enumerable.Range(0, 10).Select(i => new string((char)('0' + i), 6)).First(c => !valid.Contains(c));
    }

    /// <summary>The verifier and everything it is made of, as the gateway composes them.</summary>
    private sealed class Harness
    {
        public Harness(IConnectionMultiplexer store, IDataProtectionProvider protection, TimeProvider time, DependencyGuard guard)
        {
            var replicas = ReplicaConfirmation.None;
            Store = store;
            Accounts = new AccountRecords(store, time, guard, replicas);
            Cache = new CachedUserModes(new Microsoft.Extensions.Caching.Memory.MemoryCache(new Microsoft.Extensions.Caching.Memory.MemoryCacheOptions()), Accounts, Accounts);
            Vault = new SecretVault(protection);
            var hasher = new KeyedHasher(new SecretKeys(store), protection);
            RecoveryCodes = new RecoveryCodes(hasher);
            Audit = CoreCollaborators.Audit(store, hasher, time);
            var metrics = CoreCollaborators.Metrics();
            Regulator = new FailureRegulator(new FailureCounters(store, guard, replicas), time, Options.Create(new RegulationOptions()), Audit, metrics);
            KeyHarness = new SecurityKeysHarness(store);
            Verifier = new SecondFactorVerifier(Accounts, new WebOtpTokens(new WebOtpRecords(store, guard, replicas), hasher), Vault, RecoveryCodes, Regulator,
                new RecoveryCodeBindings(store, guard, replicas), KeyHarness.Keys, time, Cache, Audit, metrics);
        }

        public CachedUserModes Cache { get; }

        public AuditTrail Audit { get; }

        /// <summary>The real security keys over the same store (a software authenticator plays the key).</summary>
        public SecurityKeysHarness KeyHarness { get; }

        public IConnectionMultiplexer Store { get; }

        public AccountRecords Accounts { get; }

        public SecretVault Vault { get; }

        public RecoveryCodes RecoveryCodes { get; }

        public FailureRegulator Regulator { get; }

        public SecondFactorVerifier Verifier { get; }

        /// <summary>An enrolled user: a confirmed secret and ten recovery codes, as enrolment leaves them.</summary>
        public async Task<(byte[] Secret, IReadOnlyList<string> RecoveryCodes)> EnrolAsync(string username)
        {
            var secret = TotpCodes.NewSecret();
            var codes = RecoveryCodes.Generate();
            await Accounts.ConfirmAsync(username, TwoFactorMode.AuthAndWrites, Vault.Protect(username, secret), RecoveryCodes.HashAll(username, codes), default);
            return (secret, codes);
        }

        /// <summary>
        /// <see cref="EnrolAsync"/>, then the record loaded into the cache, so that a verification reaches the store
        /// in the order it was called (the burst tests rely on that order).
        /// </summary>
        public async Task<(byte[] Secret, IReadOnlyList<string> RecoveryCodes)> EnrolWarmAsync(string username)
        {
            var enrolled = await EnrolAsync(username);
            // Enrolment publishes a change that evicts the entry; let that arrive before loading it.
            await Store.GetSubscriber().PingAsync();
            Cache.Forget(username);
            Assert.NotNull((await Cache.GetStateAsync(username, default)).ProtectedSecret);
            return enrolled;
        }
    }
}

using System.Buffers.Text;
using System.Text;
using System.Text.Json.Nodes;
using Gateway.Store;
using Gateway.WebAuthn;
using static Gateway.Tests.WebAuthn.SecurityKeysHarness;

namespace Gateway.Tests.WebAuthn;

/// <summary>The embedded Garnet is the default store: the Lua scripts and GETDEL must work there.</summary>
public sealed class SecurityKeysOnGarnetTests(WebAuthnGarnetStore store) : SecurityKeysTests(store), IClassFixture<WebAuthnGarnetStore>;

/// <summary>A shared Redis is the store of a multi-instance deployment.</summary>
public sealed class SecurityKeysOnRedisTests(WebAuthnRedisStore store) : SecurityKeysTests(store), IClassFixture<WebAuthnRedisStore>;

/// <summary>
/// WebAuthn L3 §7.1 (registration) and §7.2 (assertion) against the real verifier and store: the happy
/// path, then one refusal per check, each made by bending exactly one thing the software key sends.
/// </summary>
public abstract class SecurityKeysTests(IWebAuthnStore store) : IAsyncLifetime
{
    private readonly SecurityKeysHarness _harness = new(store.Multiplexer);
    private readonly string _user = NewUser();

    private SecurityKeys Keys => _harness.Keys;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task RegisterThenAssert_GoodKey_Succeeds()
    {
        using var key = await _harness.RegisterAsync(_user);

        var result = await _harness.AssertAsync(_user, key);

        Assert.True(result.Succeeded, result.Error);
        var listed = Assert.Single(await Keys.ListAsync(_user, default));
        Assert.Equal(key.CredentialIdText, listed.Id);
        Assert.Equal("test key", listed.Name);
        Assert.Equal(key.SignCount, listed.SignCount);
        Assert.NotNull(listed.LastUsedAt);
        Assert.True(await Keys.HasKeysAsync(_user, default));
    }

    [Fact]
    public async Task Assert_KeyWithoutCounter_SucceedsRepeatedly()
    {
        // Keys without a counter send 0 every time; §7.2 step 22 applies only when either value is non-zero.
        using var key = await RegisterWithCounterAsync(0);

        Assert.True((await _harness.AssertAsync(_user, key, new() { SignCount = 0 })).Succeeded);
        Assert.True((await _harness.AssertAsync(_user, key, new() { SignCount = 0 })).Succeeded);
    }

    [Fact]
    public async Task Assert_UserHandleOfTheUser_Succeeds()
    {
        using var key = await _harness.RegisterAsync(_user);
        var handle = await _harness.Store.GetHandleAsync(_user, default);

        var result = await _harness.AssertAsync(_user, key, new() { UserHandle = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(handle!)) });

        Assert.True(result.Succeeded, result.Error);
    }

    [Fact]
    public async Task BeginRegistration_Options_AskForAPlainSecurityKeyUnderTheConfiguredRp()
    {
        var ceremony = await Keys.BeginRegistrationAsync(_user, NewHttpContext(), default);

        var options = JsonNode.Parse(ceremony.OptionsJson)!;
        Assert.Equal(RpId, (string?)options["rp"]!["id"]);
        Assert.Equal("npm-2fa-gateway", (string?)options["rp"]!["name"]);
        Assert.Equal("discouraged", (string?)options["authenticatorSelection"]!["userVerification"]);
        Assert.Equal("discouraged", (string?)options["authenticatorSelection"]!["residentKey"]);
        Assert.Equal("none", (string?)options["attestation"]);
        Assert.Equal(_user, (string?)options["user"]!["name"]);
        Assert.Equal(43, ceremony.Id.Length);
    }

    [Fact]
    public async Task BeginRegistration_UserHandle_IsRandomStableAndNotTheName()
    {
        var first = JsonNode.Parse((await Keys.BeginRegistrationAsync(_user, NewHttpContext(), default)).OptionsJson)!;
        var second = JsonNode.Parse((await Keys.BeginRegistrationAsync(_user, NewHttpContext(), default)).OptionsJson)!;
        var other = JsonNode.Parse((await Keys.BeginRegistrationAsync(NewUser(), NewHttpContext(), default)).OptionsJson)!;

        var handle = Encoding.UTF8.GetString(Base64Url.DecodeFromChars((string)first["user"]!["id"]!));
        Assert.Equal((string?)first["user"]!["id"], (string?)second["user"]!["id"]);
        Assert.NotEqual((string?)first["user"]!["id"], (string?)other["user"]!["id"]);
        Assert.DoesNotContain(_user, handle, StringComparison.Ordinal);
        Assert.Equal(32, Base64Url.DecodeFromChars(handle).Length);
    }

    [Fact]
    public async Task BeginRegistration_WithAKey_ExcludesIt()
    {
        using var key = await _harness.RegisterAsync(_user);

        var options = JsonNode.Parse((await Keys.BeginRegistrationAsync(_user, NewHttpContext(), default)).OptionsJson)!;

        var excluded = Assert.Single(options["excludeCredentials"]!.AsArray());
        Assert.Equal(key.CredentialIdText, (string?)excluded!["id"]);
    }

    [Fact]
    public async Task BeginAssertion_NoKey_ReturnsNull()
    {
        Assert.Null(await Keys.BeginAssertionAsync(_user, NewHttpContext(), default));
        Assert.False(await Keys.HasKeysAsync(_user, default));
    }

    [Fact]
    public async Task BeginAssertion_Options_AllowOnlyTheUsersKeys()
    {
        using var key = await _harness.RegisterAsync(_user);
        using var other = await _harness.RegisterAsync(NewUser());

        var options = JsonNode.Parse((await Keys.BeginAssertionAsync(_user, NewHttpContext(), default))!.OptionsJson)!;

        Assert.Equal(RpId, (string?)options["rpId"]);
        Assert.Equal("discouraged", (string?)options["userVerification"]);
        var allowed = Assert.Single(options["allowCredentials"]!.AsArray());
        Assert.Equal(key.CredentialIdText, (string?)allowed!["id"]);
    }

    [Theory]
    [InlineData("https://evil.example.test")]
    [InlineData("http://npm.example.test")]
    [InlineData("https://npm.example.test:8443")]
    [InlineData("https://sub.npm.example.test")]
    [InlineData("")]
    public async Task CompleteRegistration_WrongOrigin_IsRefused(string origin)
    {
        using var key = new SoftwareAuthenticator(Origin);
        var ceremony = await Keys.BeginRegistrationAsync(_user, NewHttpContext(), default);

        var result = await Keys.CompleteRegistrationAsync(_user, ceremony.Id, key.Create(ceremony.OptionsJson, new() { Origin = origin }), "k", NewHttpContext(), default);

        AssertRefused(result.Succeeded, result.Error, "origin");
        Assert.Empty(await Keys.ListAsync(_user, default));
    }

    [Theory]
    [InlineData("https://evil.example.test")]
    [InlineData("https://npm.example.test.evil.test")]
    [InlineData("https://NPM.example.test/")]
    public async Task CompleteAssertion_WrongOrigin_IsRefused(string origin)
    {
        using var key = await _harness.RegisterAsync(_user);

        var result = await _harness.AssertAsync(_user, key, new() { Origin = origin });

        AssertRefused(result.Succeeded, result.Error, "origin");
    }

    [Fact]
    public async Task CompleteAssertion_CrossOriginIframe_IsRefused()
    {
        using var key = await _harness.RegisterAsync(_user);

        var result = await _harness.AssertAsync(_user, key, new() { CrossOrigin = true });

        AssertRefused(result.Succeeded, result.Error, "origin");
    }

    [Fact]
    public async Task CompleteRegistration_WrongRpIdHash_IsRefused()
    {
        using var key = new SoftwareAuthenticator(Origin);
        var ceremony = await Keys.BeginRegistrationAsync(_user, NewHttpContext(), default);

        var result = await Keys.CompleteRegistrationAsync(_user, ceremony.Id, key.Create(ceremony.OptionsJson, new() { RpId = "example.test" }), "k", NewHttpContext(), default);

        AssertRefused(result.Succeeded, result.Error, "relying party");
    }

    [Fact]
    public async Task CompleteAssertion_WrongRpIdHash_IsRefused()
    {
        using var key = await _harness.RegisterAsync(_user);

        var result = await _harness.AssertAsync(_user, key, new() { RpId = "evil.example.test" });

        AssertRefused(result.Succeeded, result.Error, "relying party");
    }

    [Fact]
    public async Task CompleteAssertion_WrongChallenge_IsRefused()
    {
        using var key = await _harness.RegisterAsync(_user);

        var result = await _harness.AssertAsync(_user, key, new() { Challenge = Base64Url.EncodeToString(new byte[32]) });

        AssertRefused(result.Succeeded, result.Error, "challenge");
    }

    [Fact]
    public async Task CompleteRegistration_ReplayedCeremonyId_IsRefused()
    {
        using var first = new SoftwareAuthenticator(Origin);
        using var second = new SoftwareAuthenticator(Origin);
        var ceremony = await Keys.BeginRegistrationAsync(_user, NewHttpContext(), default);
        Assert.True((await Keys.CompleteRegistrationAsync(_user, ceremony.Id, first.Create(ceremony.OptionsJson), "a", NewHttpContext(), default)).Succeeded);

        var replay = await Keys.CompleteRegistrationAsync(_user, ceremony.Id, second.Create(ceremony.OptionsJson), "b", NewHttpContext(), default);

        AssertRefused(replay.Succeeded, replay.Error, "already used");
        Assert.Single(await Keys.ListAsync(_user, default));
    }

    [Fact]
    public async Task CompleteAssertion_ReplayedCeremonyId_IsRefused()
    {
        using var key = await _harness.RegisterAsync(_user);
        var ceremony = await Keys.BeginAssertionAsync(_user, NewHttpContext(), default);
        var credential = key.Get(ceremony!.OptionsJson);
        Assert.True((await Keys.CompleteAssertionAsync(_user, ceremony.Id, credential, NewHttpContext(), default)).Succeeded);

        var sameResponse = await Keys.CompleteAssertionAsync(_user, ceremony.Id, credential, NewHttpContext(), default);
        var freshSignature = await Keys.CompleteAssertionAsync(_user, ceremony.Id, key.Get(ceremony.OptionsJson), NewHttpContext(), default);

        AssertRefused(sameResponse.Succeeded, sameResponse.Error, "already used");
        AssertRefused(freshSignature.Succeeded, freshSignature.Error, "already used");
    }

    [Fact]
    public async Task CompleteAssertion_FailedAttempt_ConsumesTheCeremony()
    {
        using var key = await _harness.RegisterAsync(_user);
        var ceremony = await Keys.BeginAssertionAsync(_user, NewHttpContext(), default);
        Assert.False((await Keys.CompleteAssertionAsync(_user, ceremony!.Id, key.Get(ceremony.OptionsJson, new() { TamperSignature = true }), NewHttpContext(), default)).Succeeded);

        var retry = await Keys.CompleteAssertionAsync(_user, ceremony.Id, key.Get(ceremony.OptionsJson), NewHttpContext(), default);

        AssertRefused(retry.Succeeded, retry.Error, "already used");
    }

    [Fact]
    public async Task CompleteAssertion_CeremonyPastItsLifetime_IsRefused()
    {
        using var key = await _harness.RegisterAsync(_user);
        var ceremony = await Keys.BeginAssertionAsync(_user, NewHttpContext(), default);

        _harness.Time.Advance(TimeSpan.FromSeconds(301));
        var result = await Keys.CompleteAssertionAsync(_user, ceremony!.Id, key.Get(ceremony.OptionsJson), NewHttpContext(), default);

        AssertRefused(result.Succeeded, result.Error, "expired");
    }

    [Fact]
    public async Task CompleteRegistration_CeremonyPastItsLifetime_IsRefused()
    {
        using var key = new SoftwareAuthenticator(Origin);
        var ceremony = await Keys.BeginRegistrationAsync(_user, NewHttpContext(), default);

        _harness.Time.Advance(TimeSpan.FromSeconds(301));
        var result = await Keys.CompleteRegistrationAsync(_user, ceremony.Id, key.Create(ceremony.OptionsJson), "k", NewHttpContext(), default);

        AssertRefused(result.Succeeded, result.Error, "expired");
    }

    [Fact]
    public async Task CompleteAssertion_CeremonyExpiredInTheStore_IsRefused()
    {
        // The store's own TTL, on the wall clock: a 1 s ceremony is gone from Redis/Garnet after 1.5 s.
        await using var shortLived = new SecurityKeysHarness(store.Multiplexer, new Dictionary<string, string?> { ["Gateway:WebAuthn:CeremonyLifetime"] = "00:00:01" });
        using var key = await shortLived.RegisterAsync(_user);
        var ceremony = await shortLived.Keys.BeginAssertionAsync(_user, NewHttpContext(), default);

        await Task.Delay(TimeSpan.FromMilliseconds(1500));
        var result = await shortLived.Keys.CompleteAssertionAsync(_user, ceremony!.Id, key.Get(ceremony.OptionsJson), NewHttpContext(), default);

        AssertRefused(result.Succeeded, result.Error, "expired");
    }

    [Fact]
    public async Task CompleteAssertion_UnknownOrMalformedCeremonyId_IsRefused()
    {
        using var key = await _harness.RegisterAsync(_user);
        var ceremony = await Keys.BeginAssertionAsync(_user, NewHttpContext(), default);
        var credential = key.Get(ceremony!.OptionsJson);

        var unknown = await Keys.CompleteAssertionAsync(_user, Base64Url.EncodeToString(new byte[32]), credential, NewHttpContext(), default);
        var malformed = await Keys.CompleteAssertionAsync(_user, "../" + ceremony.Id, credential, NewHttpContext(), default);

        AssertRefused(unknown.Succeeded, unknown.Error, "unknown");
        AssertRefused(malformed.Succeeded, malformed.Error, "malformed");
    }

    [Fact]
    public async Task CompleteAssertion_AnotherUsersCeremony_IsRefused()
    {
        using var key = await _harness.RegisterAsync(_user);
        var other = NewUser();
        using var otherKey = await _harness.RegisterAsync(other);
        var ceremony = await Keys.BeginAssertionAsync(other, NewHttpContext(), default);

        var result = await Keys.CompleteAssertionAsync(_user, ceremony!.Id, key.Get(ceremony.OptionsJson), NewHttpContext(), default);

        AssertRefused(result.Succeeded, result.Error, "another user");
    }

    [Fact]
    public async Task CompleteAssertion_RegistrationCeremony_IsRefused()
    {
        using var key = await _harness.RegisterAsync(_user);
        var registration = await Keys.BeginRegistrationAsync(_user, NewHttpContext(), default);
        var request = JsonNode.Parse(registration.OptionsJson)!;
        request["rpId"] = RpId;

        var result = await Keys.CompleteAssertionAsync(_user, registration.Id, key.Get(request.ToJsonString()), NewHttpContext(), default);

        AssertRefused(result.Succeeded, result.Error, "another user or kind");
    }

    [Fact]
    public async Task CompleteAssertion_CounterGoingBack_IsRefused()
    {
        using var key = await RegisterWithCounterAsync(10);
        Assert.True((await _harness.AssertAsync(_user, key, new() { SignCount = 20 })).Succeeded);

        var lower = await _harness.AssertAsync(_user, key, new() { SignCount = 15 });
        var equal = await _harness.AssertAsync(_user, key, new() { SignCount = 20 });

        AssertRefused(lower.Succeeded, lower.Error, "count");
        AssertRefused(equal.Succeeded, equal.Error, "count");
        Assert.Equal(20u, Assert.Single(await Keys.ListAsync(_user, default)).SignCount);
    }

    [Fact]
    public async Task CompleteAssertion_CounterFallingToZero_IsRefused()
    {
        using var key = await RegisterWithCounterAsync(5);

        var result = await _harness.AssertAsync(_user, key, new() { SignCount = 0 });

        AssertRefused(result.Succeeded, result.Error, "count");
    }

    [Fact]
    public async Task CompleteAssertion_TwoConcurrentWithOneCounterValue_OnlyOneSucceeds()
    {
        // A cloned key used on two gateway instances at once: both verify against the same stored counter.
        using var key = await _harness.RegisterAsync(_user);
        var first = await Keys.BeginAssertionAsync(_user, NewHttpContext(), default);
        var second = await Keys.BeginAssertionAsync(_user, NewHttpContext(), default);
        var next = key.SignCount + 1;
        var a = key.Get(first!.OptionsJson, new() { SignCount = next });
        var b = key.Get(second!.OptionsJson, new() { SignCount = next });

        var results = await Task.WhenAll(
            Task.Run(() => Keys.CompleteAssertionAsync(_user, first.Id, a, NewHttpContext(), default)),
            Task.Run(() => Keys.CompleteAssertionAsync(_user, second.Id, b, NewHttpContext(), default)));

        Assert.Equal(1, results.Count(r => r.Succeeded));
    }

    [Fact]
    public async Task AdvanceCounter_StoredValueNoLongerTheOneRead_ChangesNothing()
    {
        using var key = await RegisterWithCounterAsync(1);
        Assert.Equal(CounterOutcome.Advanced, await _harness.Store.AdvanceCounterAsync(_user, key.CredentialIdText, expected: 1, next: 7, DateTimeOffset.UtcNow, default));

        var stale = await _harness.Store.AdvanceCounterAsync(_user, key.CredentialIdText, expected: 1, next: 5, DateTimeOffset.UtcNow, default);

        Assert.Equal(CounterOutcome.Changed, stale);
        Assert.Equal(7u, Assert.Single(await Keys.ListAsync(_user, default)).SignCount);
    }

    [Fact]
    public async Task CompleteAssertion_AnotherUsersKey_IsRefused()
    {
        using var mine = await _harness.RegisterAsync(_user);
        var other = NewUser();
        using var theirs = await _harness.RegisterAsync(other);
        var theirHandle = await _harness.Store.GetHandleAsync(other, default);

        var withoutHandle = await _harness.AssertAsync(_user, theirs);
        var withTheirHandle = await _harness.AssertAsync(_user, theirs, new() { UserHandle = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(theirHandle!)) });

        AssertRefused(withoutHandle.Succeeded, withoutHandle.Error, "belong");
        Assert.False(withTheirHandle.Succeeded);
    }

    [Fact]
    public async Task CompleteAssertion_OwnKeyWithAnotherUsersHandle_IsRefused()
    {
        using var key = await _harness.RegisterAsync(_user);
        var other = NewUser();
        using var theirs = await _harness.RegisterAsync(other);
        var theirHandle = await _harness.Store.GetHandleAsync(other, default);

        var result = await _harness.AssertAsync(_user, key, new() { UserHandle = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(theirHandle!)) });

        AssertRefused(result.Succeeded, result.Error, "handle");
    }

    [Fact]
    public async Task CompleteRegistration_UserNotPresent_IsRefused()
    {
        using var key = new SoftwareAuthenticator(Origin);
        var ceremony = await Keys.BeginRegistrationAsync(_user, NewHttpContext(), default);

        var result = await Keys.CompleteRegistrationAsync(_user, ceremony.Id, key.Create(ceremony.OptionsJson, new() { UserPresent = false }), "k", NewHttpContext(), default);

        AssertRefused(result.Succeeded, result.Error, "present");
    }

    [Fact]
    public async Task CompleteAssertion_UserNotPresent_IsRefused()
    {
        using var key = await _harness.RegisterAsync(_user);

        var result = await _harness.AssertAsync(_user, key, new() { UserPresent = false });

        AssertRefused(result.Succeeded, result.Error, "present");
    }

    [Fact]
    public async Task CompleteAssertion_TamperedSignature_IsRefused()
    {
        using var key = await _harness.RegisterAsync(_user);

        var result = await _harness.AssertAsync(_user, key, new() { TamperSignature = true });

        AssertRefused(result.Succeeded, result.Error, "signature");
    }

    [Fact]
    public async Task CompleteAssertion_RemovedKey_IsRefused()
    {
        using var key = await _harness.RegisterAsync(_user);
        using var spare = await _harness.RegisterAsync(_user);
        var ceremony = await Keys.BeginAssertionAsync(_user, NewHttpContext(), default);

        Assert.True(await Keys.RemoveAsync(_user, key.CredentialIdText, default));
        var result = await Keys.CompleteAssertionAsync(_user, ceremony!.Id, key.Get(ceremony.OptionsJson), NewHttpContext(), default);

        AssertRefused(result.Succeeded, result.Error, "belong");
        Assert.Equal(spare.CredentialIdText, Assert.Single(await Keys.ListAsync(_user, default)).Id);
    }

    [Fact]
    public async Task Remove_LastKey_LeavesNoAssertion()
    {
        using var key = await _harness.RegisterAsync(_user);

        Assert.True(await Keys.RemoveAsync(_user, key.CredentialIdText, default));

        Assert.False(await Keys.RemoveAsync(_user, key.CredentialIdText, default));
        Assert.False(await Keys.HasKeysAsync(_user, default));
        Assert.Null(await Keys.BeginAssertionAsync(_user, NewHttpContext(), default));
    }

    [Fact]
    public async Task Remove_AnotherUsersKey_RemovesNothing()
    {
        using var key = await _harness.RegisterAsync(_user);

        Assert.False(await Keys.RemoveAsync(NewUser(), key.CredentialIdText, default));
        Assert.False(await Keys.RemoveAsync(_user, "not base64url!", default));

        Assert.True((await _harness.AssertAsync(_user, key)).Succeeded);
    }

    [Fact]
    public async Task CompleteRegistration_CredentialIdOfAnotherUser_IsRefused()
    {
        using var mine = await _harness.RegisterAsync(_user);
        var other = NewUser();
        using var clone = new SoftwareAuthenticator(Origin, mine.CredentialId);
        var ceremony = await Keys.BeginRegistrationAsync(other, NewHttpContext(), default);

        var result = await Keys.CompleteRegistrationAsync(other, ceremony.Id, clone.Create(ceremony.OptionsJson), "k", NewHttpContext(), default);

        AssertRefused(result.Succeeded, result.Error, "already registered");
        Assert.Empty(await Keys.ListAsync(other, default));
        Assert.True((await _harness.AssertAsync(_user, mine)).Succeeded);
    }

    [Fact]
    public async Task Register_SameCredentialIdRacingForTwoUsers_OnlyOneGetsIt()
    {
        // The handler's "already registered?" read cannot see a registration in flight; the Lua script can.
        var credentialId = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var record = new PasskeyRecord("k", [1], null, 0, false, false, false);

        var outcomes = await Task.WhenAll(
            _harness.Store.RegisterAsync(_user, Base64Url.EncodeToString(credentialId), record, 0, 10, default).AsTask(),
            _harness.Store.RegisterAsync(NewUser(), Base64Url.EncodeToString(credentialId), record, 0, 10, default).AsTask());

        Assert.Equal(1, outcomes.Count(o => o == RegisterOutcome.Registered));
        Assert.Equal(1, outcomes.Count(o => o == RegisterOutcome.CredentialTaken));
    }

    [Fact]
    public async Task CompleteRegistration_AnotherUsersCeremony_IsRefused()
    {
        using var key = new SoftwareAuthenticator(Origin);
        var other = NewUser();
        var ceremony = await Keys.BeginRegistrationAsync(other, NewHttpContext(), default);

        var result = await Keys.CompleteRegistrationAsync(_user, ceremony.Id, key.Create(ceremony.OptionsJson), "k", NewHttpContext(), default);

        AssertRefused(result.Succeeded, result.Error, "another user");
        Assert.Empty(await Keys.ListAsync(_user, default));
        Assert.Empty(await Keys.ListAsync(other, default));
    }

    [Fact]
    public async Task CompleteRegistration_BeyondTheKeyLimit_IsRefused()
    {
        await using var limited = new SecurityKeysHarness(store.Multiplexer, new Dictionary<string, string?> { ["Gateway:WebAuthn:MaxKeysPerUser"] = "1" });
        using var first = await limited.RegisterAsync(_user);
        using var second = new SoftwareAuthenticator(Origin);
        var ceremony = await limited.Keys.BeginRegistrationAsync(_user, NewHttpContext(), default);

        var result = await limited.Keys.CompleteRegistrationAsync(_user, ceremony.Id, second.Create(ceremony.OptionsJson), "k", NewHttpContext(), default);

        AssertRefused(result.Succeeded, result.Error, "already has 1");
    }

    [Fact]
    public async Task CompleteRegistration_KeyName_IsCleanedAndBounded()
    {
        using var key = new SoftwareAuthenticator(Origin);
        var ceremony = await Keys.BeginRegistrationAsync(_user, NewHttpContext(), default);

        var result = await Keys.CompleteRegistrationAsync(_user, ceremony.Id, key.Create(ceremony.OptionsJson), "  blue\u0000 key " + new string('x', 100), NewHttpContext(), default);

        Assert.True(result.Succeeded, result.Error);
        var name = Assert.Single(await Keys.ListAsync(_user, default)).Name;
        Assert.StartsWith("blue key xx", name, StringComparison.Ordinal);
        Assert.Equal(SecurityKeys.MaxKeyNameLength, name.Length);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{}")]
    [InlineData("not json")]
    public async Task CompleteAssertion_GarbageCredential_IsRefused(string credentialJson)
    {
        using var key = await _harness.RegisterAsync(_user);
        var ceremony = await Keys.BeginAssertionAsync(_user, NewHttpContext(), default);

        var result = await Keys.CompleteAssertionAsync(_user, ceremony!.Id, credentialJson, NewHttpContext(), default);

        Assert.False(result.Succeeded);
        Assert.False(string.IsNullOrEmpty(result.Error));
    }

    private async Task<SoftwareAuthenticator> RegisterWithCounterAsync(uint signCount)
    {
        var key = new SoftwareAuthenticator(Origin);
        var ceremony = await Keys.BeginRegistrationAsync(_user, NewHttpContext(), default);
        var result = await Keys.CompleteRegistrationAsync(_user, ceremony.Id, key.Create(ceremony.OptionsJson, new() { SignCount = signCount }), "k", NewHttpContext(), default);
        Assert.True(result.Succeeded, result.Error);
        return key;
    }

    private static void AssertRefused(bool succeeded, string? error, string reason)
    {
        Assert.False(succeeded);
        Assert.NotNull(error);
        Assert.Contains(reason, error, StringComparison.OrdinalIgnoreCase);
    }
}

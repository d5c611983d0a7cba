using System.Runtime.ExceptionServices;
using System.Text.Json.Nodes;
using Gateway.Resilience;
using Gateway.Store;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Gateway.WebAuthn;

/// <summary>
/// Security keys as a second factor for registry users: registration and assertion ceremonies verified by
/// ASP.NET Identity's <see cref="PasskeyHandler{TUser}"/> (challenge, origin, RP ID hash, user presence,
/// signature, counter regression), with the state around it this class adds: ceremonies kept server-side
/// and single-use (<see cref="CeremonyStore"/>), keys bound to one user, a credential id registrable once,
/// and the sign counter moved by compare-and-set so two instances cannot both accept one counter value.
/// Every failure comes back as a result with a short reason for the log; store outages throw
/// <see cref="DependencyUnavailableException"/>.
/// </summary>
internal sealed class SecurityKeys(
    IServiceScopeFactory scopes,
    KeyRecords keys,
    CeremonyStore ceremonies,
    IOptions<WebAuthnOptions> options,
    TimeProvider time,
    ILogger<SecurityKeys> logger)
{
    /// <summary>Far above any real <c>credential.toJSON()</c> with attestation "none"; refuses junk before parsing it.</summary>
    public const int MaxCredentialJsonLength = 64 * 1024;

    public const int MaxKeyNameLength = 64;

    public async Task<Ceremony> BeginRegistrationAsync(string username, HttpContext http, CancellationToken ct)
    {
        CheckUsername(username);
        var handle = await keys.GetOrCreateHandleAsync(username, ct);
        await using var scope = scopes.CreateAsyncScope();
        var creation = await Handler(scope).MakeCreationOptionsAsync(new PasskeyUserEntity { Id = handle, Name = username, DisplayName = username }, http);
        var id = await ceremonies.SaveAsync(CeremonyState.Registration, username, creation.AttestationState ?? throw NoState(), ct);
        return new Ceremony(id, WithRpName(creation.CreationOptionsJson));
    }

    public async Task<RegistrationResult> CompleteRegistrationAsync(string username, string ceremonyId, string credentialJson, string keyName, HttpContext http, CancellationToken ct)
    {
        CheckUsername(username);
        var result = await RegisterAsync(username, ceremonyId, credentialJson, keyName, http, ct);
        if (result.Succeeded)
        {
            WebAuthnLog.KeyRegistered(logger, username, result.KeyId!);
        }
        else
        {
            WebAuthnLog.RegistrationRefused(logger, username, result.Error!);
        }

        return result;
    }

    /// <summary>Null when the user has no key (then the page offers TOTP or a recovery code instead).</summary>
    public async Task<Ceremony?> BeginAssertionAsync(string username, HttpContext http, CancellationToken ct)
    {
        CheckUsername(username);
        var handle = await keys.GetHandleAsync(username, ct);
        if (handle is null || !await keys.HasKeysAsync(username, ct))
        {
            return null;
        }

        await using var scope = scopes.CreateAsyncScope();
        // With the user given, the handler lists only their keys (allowCredentials) and, on completion,
        // accepts only a credential stored for them whose userHandle, if sent, is theirs (§7.2 step 6).
        var request = await Handler(scope).MakeRequestOptionsAsync(new GatewayUser(username, handle), http);
        var id = await ceremonies.SaveAsync(CeremonyState.Assertion, username, request.AssertionState ?? throw NoState(), ct);
        return new Ceremony(id, request.RequestOptionsJson);
    }

    public async Task<AssertionResult> CompleteAssertionAsync(string username, string ceremonyId, string credentialJson, HttpContext http, CancellationToken ct)
    {
        CheckUsername(username);
        var result = await AssertAsync(username, ceremonyId, credentialJson, http, ct);
        if (result.Succeeded)
        {
            WebAuthnLog.AssertionVerified(logger, username);
        }
        else
        {
            WebAuthnLog.AssertionRefused(logger, username, result.Error!);
        }

        return result;
    }

    public async Task<IReadOnlyList<SecurityKeyInfo>> ListAsync(string username, CancellationToken ct)
    {
        CheckUsername(username);
        var stored = await keys.GetAllAsync(username, ct);
        return [.. stored.Select(k => new SecurityKeyInfo(k.CredentialId, k.Record.Name, k.CreatedAt, k.LastUsedAt, k.SignCount))];
    }

    public async Task<bool> RemoveAsync(string username, string keyId, CancellationToken ct)
    {
        CheckUsername(username);
        if (!Base64UrlIds.TryDecodeCredentialId(keyId, out var bytes))
        {
            return false;
        }

        // Re-encoded, so an id written with other padding or casing of base64 cannot miss the stored one.
        var removed = await keys.RemoveAsync(username, Base64UrlIds.Encode(bytes), ct);
        if (removed)
        {
            WebAuthnLog.KeyRemoved(logger, username, Base64UrlIds.Encode(bytes));
        }

        return removed;
    }

    public async Task<bool> HasKeysAsync(string username, CancellationToken ct)
    {
        CheckUsername(username);
        return await keys.HasKeysAsync(username, ct);
    }

    private async Task<RegistrationResult> RegisterAsync(string username, string ceremonyId, string credentialJson, string keyName, HttpContext http, CancellationToken ct)
    {
        var (ceremony, error) = await ceremonies.TakeAsync(CeremonyState.Registration, username, ceremonyId, ct);
        if (ceremony is null)
        {
            return RegistrationResult.Fail(error!);
        }

        if (string.IsNullOrEmpty(credentialJson) || credentialJson.Length > MaxCredentialJsonLength)
        {
            return RegistrationResult.Fail("credential JSON missing or too large");
        }

        PasskeyAttestationResult attestation;
        await using (var scope = scopes.CreateAsyncScope())
        {
            attestation = await Handler(scope).PerformAttestationAsync(new PasskeyAttestationContext
            {
                HttpContext = http,
                CredentialJson = credentialJson,
                AttestationState = ceremony.HandlerState,
            });
        }

        if (!attestation.Succeeded)
        {
            return RegistrationResult.Fail(Reason(attestation.Failure));
        }

        // The handler checked the challenge against this state; the state must also name this user's handle.
        var handle = await keys.GetHandleAsync(username, ct);
        if (!string.Equals(attestation.UserEntity.Id, handle, StringComparison.Ordinal) || attestation.UserEntity.Name != username)
        {
            return RegistrationResult.Fail("ceremony was made for another user handle");
        }

        var passkey = attestation.Passkey;
        var credentialId = Base64UrlIds.Encode(passkey.CredentialId);
        var record = new PasskeyRecord(
            KeyName(keyName),
            passkey.PublicKey,
            passkey.Transports,
            time.GetUtcNow().ToUnixTimeMilliseconds(),
            passkey.IsUserVerified,
            passkey.IsBackupEligible,
            passkey.IsBackedUp);
        return await keys.RegisterAsync(username, credentialId, record, passkey.SignCount, options.Value.MaxKeysPerUser, ct) switch
        {
            RegisterOutcome.Registered => RegistrationResult.Ok(credentialId),
            // The handler refused ids it could see registered (§7.1 step 26); this is the race it cannot see.
            RegisterOutcome.CredentialTaken => RegistrationResult.Fail("credential id already registered"),
            _ => RegistrationResult.Fail($"user already has {options.Value.MaxKeysPerUser} security keys"),
        };
    }

    private async Task<AssertionResult> AssertAsync(string username, string ceremonyId, string credentialJson, HttpContext http, CancellationToken ct)
    {
        var (ceremony, error) = await ceremonies.TakeAsync(CeremonyState.Assertion, username, ceremonyId, ct);
        if (ceremony is null)
        {
            return AssertionResult.Fail(error!);
        }

        if (string.IsNullOrEmpty(credentialJson) || credentialJson.Length > MaxCredentialJsonLength)
        {
            return AssertionResult.Fail("credential JSON missing or too large");
        }

        PasskeyAssertionResult<GatewayUser> assertion;
        await using (var scope = scopes.CreateAsyncScope())
        {
            assertion = await Handler(scope).PerformAssertionAsync(new PasskeyAssertionContext
            {
                HttpContext = http,
                CredentialJson = credentialJson,
                AssertionState = ceremony.HandlerState,
            });
        }

        if (!assertion.Succeeded)
        {
            return AssertionResult.Fail(Reason(assertion.Failure));
        }

        var user = assertion.User;
        if (!string.Equals(user.UserName, username, StringComparison.Ordinal))
        {
            return AssertionResult.Fail("credential belongs to another user");
        }

        return await AdvanceCounterAsync(user, assertion.Passkey, ct);
    }

    /// <summary>
    /// WebAuthn L3 §7.2 steps 22 and 24.1. The handler has already refused a counter that did not increase
    /// over the value it read; this repeats the rule (so it does not rest on the handler alone) and writes
    /// the new value only if the store still holds the one read, which closes the race in which two
    /// instances each verify an assertion with the same counter (a cloned key, or a replay in flight).
    /// </summary>
    private async Task<AssertionResult> AdvanceCounterAsync(GatewayUser user, UserPasskeyInfo passkey, CancellationToken ct)
    {
        var credentialId = Base64UrlIds.Encode(passkey.CredentialId);
        if (!user.ReadSignCounts.TryGetValue(credentialId, out var read))
        {
            return AssertionResult.Fail("sign counter was not read during verification");
        }

        var next = passkey.SignCount;
        if ((next != 0 || read != 0) && next <= read)
        {
            return AssertionResult.Fail($"sign counter {next} did not increase over {read} (possible cloned key)");
        }

        return await keys.AdvanceCounterAsync(user.UserName, credentialId, read, next, time.GetUtcNow(), ct) switch
        {
            CounterOutcome.Advanced => AssertionResult.Ok,
            CounterOutcome.Changed => AssertionResult.Fail("sign counter changed during verification (concurrent use or cloned key)"),
            _ => AssertionResult.Fail("security key was removed during the ceremony"),
        };
    }

    private static InvalidOperationException NoState() => new("The passkey handler returned no ceremony state.");

    private static IPasskeyHandler<GatewayUser> Handler(AsyncServiceScope scope) =>
        scope.ServiceProvider.GetRequiredService<IPasskeyHandler<GatewayUser>>();

    /// <summary>
    /// The handler turns every exception into a failed result, including the store's; an outage must not
    /// read as a bad key (it is a 503, not a failed attempt), so it is thrown again here.
    /// </summary>
    private static string Reason(PasskeyException? failure)
    {
        if (failure?.InnerException is DependencyUnavailableException unavailable)
        {
            ExceptionDispatchInfo.Throw(unavailable);
        }

        return failure?.Message ?? "verification failed";
    }

    /// <summary>PasskeyHandler names the RP after its domain; the configured display name replaces it.</summary>
    private string WithRpName(string creationOptionsJson)
    {
        var node = JsonNode.Parse(creationOptionsJson)!;
        if (node["rp"] is JsonObject rp)
        {
            rp["name"] = options.Value.RpName;
        }

        return node.ToJsonString();
    }

    private static string KeyName(string? name)
    {
        var cleaned = new string((name ?? "").Where(c => !char.IsControl(c)).ToArray()).Trim();
        if (cleaned.Length == 0)
        {
            return "Security key";
        }

        return cleaned.Length <= MaxKeyNameLength ? cleaned : cleaned[..MaxKeyNameLength];
    }

    private static void CheckUsername(string username)
    {
        if (string.IsNullOrEmpty(username) || username.Any(char.IsControl))
        {
            throw new ArgumentException("A registry username is required.", nameof(username));
        }
    }
}

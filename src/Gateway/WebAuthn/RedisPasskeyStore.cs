using Gateway.Store;
using Microsoft.AspNetCore.Identity;

namespace Gateway.WebAuthn;

/// <summary>
/// The user and passkey store ASP.NET Identity's <see cref="PasskeyHandler{TUser}"/> reads through
/// <see cref="UserManager{TUser}"/>: users are found by WebAuthn user handle or credential id, never
/// created or renamed here (accounts belong to the registry). Writes of keys go through
/// <see cref="SecurityKeys"/>, which does them atomically; the members the handler never calls refuse.
/// </summary>
internal sealed class RedisPasskeyStore(KeyRecords keys) : IUserPasskeyStore<GatewayUser>
{
    public Task<string> GetUserIdAsync(GatewayUser user, CancellationToken cancellationToken) => Task.FromResult(user.Id);

    public Task<string?> GetUserNameAsync(GatewayUser user, CancellationToken cancellationToken) => Task.FromResult<string?>(user.UserName);

    public Task<string?> GetNormalizedUserNameAsync(GatewayUser user, CancellationToken cancellationToken) => Task.FromResult<string?>(user.UserName);

    public Task SetUserNameAsync(GatewayUser user, string? userName, CancellationToken cancellationToken) => throw ReadOnly();

    public Task SetNormalizedUserNameAsync(GatewayUser user, string? normalizedName, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<IdentityResult> CreateAsync(GatewayUser user, CancellationToken cancellationToken) => throw ReadOnly();

    public Task<IdentityResult> UpdateAsync(GatewayUser user, CancellationToken cancellationToken) => Task.FromResult(IdentityResult.Success);

    public Task<IdentityResult> DeleteAsync(GatewayUser user, CancellationToken cancellationToken) => throw ReadOnly();

    /// <summary>By WebAuthn user handle; the reverse index must agree with the user's own handle.</summary>
    public async Task<GatewayUser?> FindByIdAsync(string userId, CancellationToken cancellationToken)
    {
        var username = await keys.FindUsernameByHandleAsync(userId, cancellationToken);
        if (username is null)
        {
            return null;
        }

        var handle = await keys.GetHandleAsync(username, cancellationToken);
        return handle is not null && string.Equals(handle, userId, StringComparison.Ordinal) ? new GatewayUser(username, handle) : null;
    }

    /// <summary>Identity's normalised (upper-cased) names do not match npm's; callers know the username already.</summary>
    public Task<GatewayUser?> FindByNameAsync(string normalizedUserName, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Security keys look users up by WebAuthn user handle, not by name.");

    public async Task<GatewayUser?> FindByPasskeyIdAsync(byte[] credentialId, CancellationToken cancellationToken)
    {
        var username = await keys.FindUsernameByCredentialAsync(Base64UrlIds.Encode(credentialId), cancellationToken);
        var handle = username is null ? null : await keys.GetHandleAsync(username, cancellationToken);
        // A credential id whose owner has no handle is still taken: answer with a user so registration refuses it.
        return username is null ? null : new GatewayUser(username, handle ?? "");
    }

    public async Task<IList<UserPasskeyInfo>> GetPasskeysAsync(GatewayUser user, CancellationToken cancellationToken)
    {
        var stored = await keys.GetAllAsync(user.UserName, cancellationToken);
        return [.. stored.Select(k => ToInfo(user, k))];
    }

    public async Task<UserPasskeyInfo?> FindPasskeyAsync(GatewayUser user, byte[] credentialId, CancellationToken cancellationToken)
    {
        var stored = await keys.GetAsync(user.UserName, Base64UrlIds.Encode(credentialId), cancellationToken);
        return stored is null ? null : ToInfo(user, stored);
    }

    public Task AddOrUpdatePasskeyAsync(GatewayUser user, UserPasskeyInfo passkey, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Keys are added by SecurityKeys.CompleteRegistrationAsync and counters moved by compare-and-set.");

    public async Task RemovePasskeyAsync(GatewayUser user, byte[] credentialId, CancellationToken cancellationToken) =>
        await keys.RemoveAsync(user.UserName, Base64UrlIds.Encode(credentialId), cancellationToken);

    public void Dispose()
    {
    }

    /// <summary>Remembers the counter read, for the compare-and-set after the handler has verified the assertion.</summary>
    private static UserPasskeyInfo ToInfo(GatewayUser user, StoredKey stored)
    {
        user.ReadSignCounts[stored.CredentialId] = stored.SignCount;
        var record = stored.Record;
        return new UserPasskeyInfo(
            Base64UrlIds.DecodeCredentialId(stored.CredentialId),
            record.PublicKey,
            stored.CreatedAt,
            stored.SignCount,
            record.Transports,
            record.IsUserVerified,
            record.IsBackupEligible,
            record.IsBackedUp,
            attestationObject: [],
            clientDataJson: [])
        {
            Name = record.Name,
        };
    }

    private static NotSupportedException ReadOnly() => new("Registry users are not created, renamed or deleted by the gateway.");
}

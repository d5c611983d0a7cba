using Microsoft.AspNetCore.DataProtection;

namespace Gateway.TwoFactor;

/// <summary>Encrypts TOTP secrets for the store with ASP.NET Data Protection, and decrypts them to verify a code.</summary>
internal sealed class SecretVault(IDataProtectionProvider protection)
{
    private readonly IDataProtector _protector = protection.CreateProtector("npm-2fa-gateway.totp-secret.v1");

    public string Protect(string username, byte[] secret) =>
        Convert.ToBase64String(_protector.CreateProtector(username).Protect(secret));

    /// <remarks>The user name is part of the purpose: a secret copied to another user's record does not decrypt.</remarks>
    public byte[] Unprotect(string username, string protectedSecret) =>
        _protector.CreateProtector(username).Unprotect(Convert.FromBase64String(protectedSecret));
}

using System.Text.Json;
using Microsoft.Playwright;

namespace Gateway.Testing;

/// <summary>
/// A CTAP2 USB security key emulated by Chromium (CDP <c>WebAuthn</c> domain) for one page: no resident
/// keys, no user verification, presence touched automatically — a plain security key as the gateway
/// expects ("discouraged" UV and resident keys).
/// </summary>
public sealed class VirtualAuthenticator
{
    private readonly ICDPSession _cdp;

    private VirtualAuthenticator(ICDPSession cdp, string id)
    {
        _cdp = cdp;
        Id = id;
    }

    public string Id { get; }

    public static async Task<VirtualAuthenticator> AttachAsync(IPage page)
    {
        var cdp = await page.Context.NewCDPSessionAsync(page);
        await cdp.SendAsync("WebAuthn.enable", new Dictionary<string, object> { ["enableUI"] = false });
        return new VirtualAuthenticator(cdp, await AddAsync(cdp));
    }

    /// <summary>Unplugs this key and plugs in a brand-new one (no credentials) on the same page.</summary>
    public async Task<VirtualAuthenticator> ReplaceWithFreshAsync()
    {
        await _cdp.SendAsync("WebAuthn.removeVirtualAuthenticator", new Dictionary<string, object> { ["authenticatorId"] = Id });
        return new VirtualAuthenticator(_cdp, await AddAsync(_cdp));
    }

    /// <summary>The credentials this key holds (CDP <c>WebAuthn.Credential</c>: credentialId and privateKey in base64, rpId, signCount…).</summary>
    public async Task<IReadOnlyList<JsonElement>> CredentialsAsync()
    {
        var result = await _cdp.SendAsync("WebAuthn.getCredentials", new Dictionary<string, object> { ["authenticatorId"] = Id });
        return result is { } json ? [.. json.GetProperty("credentials").EnumerateArray().Select(c => c.Clone())] : [];
    }

    /// <summary>Puts a credential (as returned by <see cref="CredentialsAsync"/> of another key) into this key.</summary>
    public Task AddCredentialAsync(JsonElement credential) =>
        _cdp.SendAsync("WebAuthn.addCredential", new Dictionary<string, object>
        {
            ["authenticatorId"] = Id,
            ["credential"] = new Dictionary<string, object>
            {
                ["credentialId"] = credential.GetProperty("credentialId").GetString()!,
                ["isResidentCredential"] = false,
                ["rpId"] = credential.GetProperty("rpId").GetString()!,
                ["privateKey"] = credential.GetProperty("privateKey").GetString()!,
                ["signCount"] = credential.GetProperty("signCount").GetInt32(),
            },
        });

    private static async Task<string> AddAsync(ICDPSession cdp)
    {
        var result = await cdp.SendAsync("WebAuthn.addVirtualAuthenticator", new Dictionary<string, object>
        {
            ["options"] = new Dictionary<string, object>
            {
                ["protocol"] = "ctap2",
                ["transport"] = "usb",
                ["hasResidentKey"] = false,
                ["hasUserVerification"] = false,
                ["isUserVerified"] = false,
                ["automaticPresenceSimulation"] = true,
            },
        });
        return result?.GetProperty("authenticatorId").GetString()
            ?? throw new InvalidOperationException("WebAuthn.addVirtualAuthenticator returned no authenticatorId.");
    }
}

using System.Buffers.Text;

namespace Gateway.WebAuthn;

/// <summary>Ids that travel through pages and store keys: base64url without padding, checked before use.</summary>
internal static class Base64UrlIds
{
    /// <summary>WebAuthn L3 §4: a credential id is at most 1023 bytes (1364 base64url characters).</summary>
    private const int MaxCredentialIdChars = 1364;

    public static string Encode(ReadOnlySpan<byte> bytes) => Base64Url.EncodeToString(bytes);

    public static bool TryDecodeCredentialId(string? value, out byte[] bytes)
    {
        bytes = [];
        if (string.IsNullOrEmpty(value) || value.Length > MaxCredentialIdChars || !Base64Url.IsValid(value))
        {
            return false;
        }

        bytes = Base64Url.DecodeFromChars(value);
        return bytes.Length > 0;
    }

    public static byte[] DecodeCredentialId(string value) => Base64Url.DecodeFromChars(value);

    /// <summary>A ceremony id is exactly what <see cref="CeremonyStore"/> makes: 43 base64url characters.</summary>
    public static bool IsCeremonyId(string? value) =>
        value is { Length: CeremonyStore.IdLength } && Base64Url.IsValid(value);
}

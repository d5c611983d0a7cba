using System.Buffers.Binary;
using System.Buffers.Text;
using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.Tests.WebAuthn;

/// <summary>
/// A security key and the browser in front of it, in software: an ES256 (P-256) credential, attestation
/// format "none", answers shaped like <c>PublicKeyCredential.toJSON()</c>. Every field a verifier checks can
/// be bent through <see cref="Tweaks"/>, so each negative test changes exactly one thing.
/// </summary>
internal sealed class SoftwareAuthenticator : IDisposable
{
    private const byte UserPresent = 0x01;
    private const byte AttestedCredentialData = 0x40;

    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public SoftwareAuthenticator(string origin, byte[]? credentialId = null)
    {
        Origin = origin;
        CredentialId = credentialId ?? RandomNumberGenerator.GetBytes(32);
    }

    /// <summary>The origin the "browser" reports in clientDataJSON.</summary>
    public string Origin { get; }

    public byte[] CredentialId { get; }

    public string CredentialIdText => Base64Url.EncodeToString(CredentialId);

    /// <summary>Incremented before each signature, as a key with a global counter does.</summary>
    public uint SignCount { get; set; }

    /// <summary><c>navigator.credentials.create()</c> then <c>credential.toJSON()</c>.</summary>
    public string Create(string creationOptionsJson, Tweaks? tweaks = null)
    {
        tweaks ??= new Tweaks();
        var options = JsonNode.Parse(creationOptionsJson)!;
        var rpId = tweaks.RpId ?? (string)options["rp"]!["id"]!;
        var clientData = ClientData("webauthn.create", (string)options["challenge"]!, tweaks);
        var authenticatorData = AuthenticatorData(rpId, tweaks, attested: true);
        var attestationObject = AttestationObject(authenticatorData);
        return new JsonObject
        {
            ["id"] = CredentialIdText,
            ["rawId"] = CredentialIdText,
            ["type"] = "public-key",
            ["authenticatorAttachment"] = "cross-platform",
            ["response"] = new JsonObject
            {
                ["clientDataJSON"] = Base64Url.EncodeToString(clientData),
                ["attestationObject"] = Base64Url.EncodeToString(attestationObject),
                ["authenticatorData"] = Base64Url.EncodeToString(authenticatorData),
                ["publicKey"] = Base64Url.EncodeToString(_key.ExportSubjectPublicKeyInfo()),
                ["publicKeyAlgorithm"] = -7,
                ["transports"] = new JsonArray("usb"),
            },
            ["clientExtensionResults"] = new JsonObject(),
        }.ToJsonString();
    }

    /// <summary><c>navigator.credentials.get()</c> then <c>credential.toJSON()</c>.</summary>
    public string Get(string requestOptionsJson, Tweaks? tweaks = null)
    {
        tweaks ??= new Tweaks();
        var options = JsonNode.Parse(requestOptionsJson)!;
        var rpId = tweaks.RpId ?? (string)options["rpId"]!;
        var clientData = ClientData("webauthn.get", (string)options["challenge"]!, tweaks);
        var authenticatorData = AuthenticatorData(rpId, tweaks, attested: false);
        var signature = _key.SignData([.. authenticatorData, .. SHA256.HashData(clientData)], HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        if (tweaks.TamperSignature)
        {
            signature[^1] ^= 0x01;
        }

        return new JsonObject
        {
            ["id"] = CredentialIdText,
            ["rawId"] = CredentialIdText,
            ["type"] = "public-key",
            ["authenticatorAttachment"] = "cross-platform",
            ["response"] = new JsonObject
            {
                ["clientDataJSON"] = Base64Url.EncodeToString(clientData),
                ["authenticatorData"] = Base64Url.EncodeToString(authenticatorData),
                ["signature"] = Base64Url.EncodeToString(signature),
                ["userHandle"] = tweaks.UserHandle,
            },
            ["clientExtensionResults"] = new JsonObject(),
        }.ToJsonString();
    }

    public void Dispose() => _key.Dispose();

    private byte[] ClientData(string type, string challenge, Tweaks tweaks) =>
        JsonSerializer.SerializeToUtf8Bytes(new JsonObject
        {
            ["type"] = type,
            ["challenge"] = tweaks.Challenge ?? challenge,
            ["origin"] = tweaks.Origin ?? Origin,
            ["crossOrigin"] = tweaks.CrossOrigin,
        });

    /// <summary>WebAuthn L3 §6.1: rpIdHash ‖ flags ‖ signCount ‖ [aaguid ‖ credIdLen ‖ credId ‖ COSE key].</summary>
    private byte[] AuthenticatorData(string rpId, Tweaks tweaks, bool attested)
    {
        SignCount = tweaks.SignCount ?? SignCount + 1;
        var flags = (byte)((tweaks.UserPresent ? UserPresent : 0) | (attested ? AttestedCredentialData : 0));
        var data = new List<byte>(SHA256.HashData(Encoding.UTF8.GetBytes(rpId))) { flags };
        var counter = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(counter, SignCount);
        data.AddRange(counter);
        if (attested)
        {
            data.AddRange(new byte[16]);
            var length = new byte[2];
            BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)CredentialId.Length);
            data.AddRange(length);
            data.AddRange(CredentialId);
            data.AddRange(CoseKey());
        }

        return [.. data];
    }

    /// <summary>RFC 9053 EC2 key, labels in CTAP2 canonical order: kty, alg, crv, x, y.</summary>
    private byte[] CoseKey()
    {
        var point = _key.ExportParameters(includePrivateParameters: false).Q;
        var writer = new CborWriter(CborConformanceMode.Ctap2Canonical);
        writer.WriteStartMap(5);
        writer.WriteInt32(1);
        writer.WriteInt32(2);
        writer.WriteInt32(3);
        writer.WriteInt32(-7);
        writer.WriteInt32(-1);
        writer.WriteInt32(1);
        writer.WriteInt32(-2);
        writer.WriteByteString(point.X!);
        writer.WriteInt32(-3);
        writer.WriteByteString(point.Y!);
        writer.WriteEndMap();
        return writer.Encode();
    }

    private static byte[] AttestationObject(byte[] authenticatorData)
    {
        var writer = new CborWriter(CborConformanceMode.Ctap2Canonical);
        writer.WriteStartMap(3);
        writer.WriteTextString("fmt");
        writer.WriteTextString("none");
        writer.WriteTextString("attStmt");
        writer.WriteStartMap(0);
        writer.WriteEndMap();
        writer.WriteTextString("authData");
        writer.WriteByteString(authenticatorData);
        writer.WriteEndMap();
        return writer.Encode();
    }

    /// <summary>One deviation from a well-behaved key and browser per test.</summary>
    internal sealed record Tweaks
    {
        public string? Origin { get; init; }

        public string? RpId { get; init; }

        public string? Challenge { get; init; }

        public bool CrossOrigin { get; init; }

        public bool UserPresent { get; init; } = true;

        public bool TamperSignature { get; init; }

        public uint? SignCount { get; init; }

        /// <summary>base64url user handle the key returns; null like a non-discoverable security key.</summary>
        public string? UserHandle { get; init; }
    }
}

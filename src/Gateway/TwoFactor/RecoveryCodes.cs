using System.Security.Cryptography;
using Gateway.Security;

namespace Gateway.TwoFactor;

/// <summary>
/// Ten single-use recovery codes of 80 random bits each, shown once (<c>xxxx-xxxx-xxxx-xxxx</c>, base32)
/// and stored only as keyed hashes.
/// </summary>
internal sealed class RecoveryCodes(KeyedHasher hasher)
{
    public const int Count = 10;
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    public static IReadOnlyList<string> Generate()
    {
        var codes = new string[Count];
        for (var i = 0; i < Count; i++)
        {
            var bytes = RandomNumberGenerator.GetBytes(10);
            var chars = new char[16];
            for (var c = 0; c < 16; c++)
            {
                chars[c] = Alphabet[ReadBits(bytes, c * 5)];
            }

            codes[i] = string.Join('-', Enumerable.Range(0, 4).Select(g => new string(chars, g * 4, 4)));
        }

        return codes;
    }

    /// <summary>Whether the text has the shape of a recovery code (any case, dashes and spaces optional).</summary>
    public static bool LooksLikeRecoveryCode(string text)
    {
        var normalised = Normalise(text);
        return normalised.Length == 16 && normalised.All(Alphabet.Contains);
    }

    public string Hash(string username, string code) => hasher.Hash("recovery-code:" + username, Normalise(code));

    public IReadOnlyList<string> HashAll(string username, IEnumerable<string> codes) => codes.Select(c => Hash(username, c)).ToArray();

    private static string Normalise(string code) =>
        new(code.Where(c => c is not ('-' or ' ')).Select(char.ToLowerInvariant).ToArray());

    private static int ReadBits(byte[] bytes, int bitOffset)
    {
        var value = 0;
        for (var b = 0; b < 5; b++)
        {
            var bit = bitOffset + b;
            value = (value << 1) | ((bytes[bit / 8] >> (7 - bit % 8)) & 1);
        }

        return value;
    }
}

using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Gateway.Testing;

/// <summary>
/// RFC 6238 codes as an authenticator app computes them (HMAC-SHA1, 6 digits, 30-second steps), written
/// here on purpose instead of calling the gateway's own TOTP code or its library: the tests must be able
/// to catch a gateway that computes codes wrongly.
/// </summary>
public static class Totp
{
    public const int StepSeconds = 30;

    /// <summary>A code is never computed this close to the end of its step: it could expire on the way.</summary>
    private static readonly TimeSpan s_margin = TimeSpan.FromSeconds(3);

    public static long StepAt(DateTimeOffset at) => at.ToUnixTimeSeconds() / StepSeconds;

    public static long CurrentStep => StepAt(DateTimeOffset.UtcNow);

    /// <summary>The code of one time step (RFC 4226 dynamic truncation).</summary>
    public static string Compute(string base32Secret, long step)
    {
        Span<byte> counter = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, step);
        var hash = HMACSHA1.HashData(Base32Decode(base32Secret), counter);
        var offset = hash[^1] & 0x0f;
        var binary = BinaryPrimitives.ReadInt32BigEndian(hash.AsSpan(offset, 4)) & 0x7fffffff;
        return (binary % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The code of the current step plus <paramref name="stepOffset"/>, after waiting out the last seconds
    /// of a step. The gateway accepts the previous, current and next step, so offsets -1, 0 and +1 give
    /// three different valid codes at once: one per credential where a test must avoid replay refusals.
    /// Prefer 0 and +1 for a code that is used over several commands (-1 expires at the end of this step).
    /// </summary>
    public static async Task<string> CodeAsync(string base32Secret, int stepOffset = 0)
    {
        await AwayFromStepEndAsync();
        return Compute(base32Secret, CurrentStep + stepOffset);
    }

    /// <summary>A 6-digit code that is none of the accepted ones right now (for "wrong code" tests).</summary>
    public static async Task<string> WrongCodeAsync(string base32Secret)
    {
        await AwayFromStepEndAsync();
        var step = CurrentStep;
        var valid = new[] { Compute(base32Secret, step - 1), Compute(base32Secret, step), Compute(base32Secret, step + 1) };
        for (var candidate = 0; ; candidate++)
        {
            var code = ((int.Parse(valid[1], System.Globalization.CultureInfo.InvariantCulture) + 500_000 + candidate) % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
            if (!valid.Contains(code))
            {
                return code;
            }
        }
    }

    /// <summary>Waits for the next step when fewer than 3 s remain in the current one.</summary>
    public static async Task AwayFromStepEndAsync()
    {
        var stepMs = StepSeconds * 1000L;
        var remaining = stepMs - DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() % stepMs;
        if (remaining < s_margin.TotalMilliseconds)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(remaining + 100));
        }
    }

    /// <summary>RFC 4648 base32 (upper or lower case, padding optional).</summary>
    public static byte[] Base32Decode(string text)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var clean = text.Trim().TrimEnd('=').ToUpperInvariant();
        var bytes = new List<byte>(clean.Length * 5 / 8);
        int buffer = 0, bits = 0;
        foreach (var c in clean)
        {
            var value = alphabet.IndexOf(c);
            if (value < 0)
            {
                throw new FormatException($"'{c}' is not a base32 character.");
            }

            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                bytes.Add((byte)(buffer >> bits));
                buffer &= (1 << bits) - 1;
            }
        }

        return [.. bytes];
    }
}

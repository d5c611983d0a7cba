using Microsoft.Extensions.Options;

namespace Gateway.Configuration;

/// <summary><c>Gateway:Memory</c>: every message names its key (README.md, "Configuration").</summary>
internal sealed class MemoryOptionsValidator : IValidateOptions<MemoryOptions>
{
    private const string Section = MemoryOptions.Section;

    public ValidateOptionsResult Validate(string? name, MemoryOptions options)
    {
        var errors = new List<string>();
        if (options.MaxCredentialLength is < 64 or > 16 * 1024)
        {
            errors.Add($"{Section}:MaxCredentialLength must be from 64 to 16384 characters (Node's whole header limit is 16 KB), not '{options.MaxCredentialLength}'");
        }

        CheckBytes(errors, "TokenCacheBytes", options.TokenCacheBytes, 64 * 1024, 4L << 30);
        CheckBytes(errors, "UnknownTokenCacheBytes", options.UnknownTokenCacheBytes, 64 * 1024, 4L << 30);
        CheckBytes(errors, "IdentityCacheBytes", options.IdentityCacheBytes, 64 * 1024, 4L << 30);
        CheckBytes(errors, "MaxFormBytes", options.MaxFormBytes, 1024, 1024 * 1024);
        if (options.SmallBodyTimeout < TimeSpan.FromMilliseconds(100) || options.SmallBodyTimeout > TimeSpan.FromMinutes(5))
        {
            errors.Add($"{Section}:SmallBodyTimeout must be between 00:00:00.100 and 00:05:00, not '{options.SmallBodyTimeout:c}'");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void CheckBytes(List<string> errors, string key, long value, long least, long most)
    {
        if (value < least || value > most)
        {
            errors.Add($"{Section}:{key} must be from {least} to {most} bytes, not '{value}'");
        }
    }
}

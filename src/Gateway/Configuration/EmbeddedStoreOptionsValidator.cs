using Microsoft.Extensions.Options;

namespace Gateway.Configuration;

/// <summary>Every message names its key, so a bad value stops start-up with the key and the reason.</summary>
internal sealed class EmbeddedStoreOptionsValidator : IValidateOptions<EmbeddedStoreOptions>
{
    // At least twice the embedded store's AOF page (4 MiB, Store/EmbeddedGarnetServer.BuildArguments).
    public const long SmallestLimit = 8L * 1024 * 1024;

    public ValidateOptionsResult Validate(string? name, EmbeddedStoreOptions options)
    {
        var errors = new List<string>();
        if (options.CompactAofAbove is < SmallestLimit or > 64L * 1024 * 1024 * 1024)
        {
            errors.Add($"{EmbeddedStoreOptions.Section}:CompactAofAbove must be between {SmallestLimit} and {64L * 1024 * 1024 * 1024} bytes, not '{options.CompactAofAbove}'");
        }

        if (options.CompactionCheckInterval < TimeSpan.FromSeconds(1) || options.CompactionCheckInterval > TimeSpan.FromHours(1))
        {
            errors.Add($"{EmbeddedStoreOptions.Section}:CompactionCheckInterval must be between 00:00:01 and 01:00:00, not '{options.CompactionCheckInterval:c}'");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

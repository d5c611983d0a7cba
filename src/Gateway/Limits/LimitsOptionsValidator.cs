using Microsoft.Extensions.Options;

namespace Gateway.Limits;

/// <summary>Every message names its key (docs/ARCHITECTURE.md, "Configuration").</summary>
internal sealed class LimitsOptionsValidator(long? descriptors) : IValidateOptions<LimitsOptions>
{
    /// <summary>Checks against this process's descriptor limit.</summary>
    public LimitsOptionsValidator()
        : this(DescriptorLimit.Current())
    {
    }

    public ValidateOptionsResult Validate(string? name, LimitsOptions options)
    {
        var errors = new List<string>();
        // Kestrel's own floor is 1 byte; below a few KB ordinary npm requests (a token, a user agent, a session id) fail.
        Between(options.MaxRequestHeadersTotalSize, 4 * 1024, 1024 * 1024, "MaxRequestHeadersTotalSize", errors);
        Between(options.MaxRequestLineSize, 1024, 1024 * 1024, "MaxRequestLineSize", errors);
        Between(options.MaxConnectionsPerAddress, 0, 1_000_000, "MaxConnectionsPerAddress", errors);
        Between(options.KeepAliveTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10), "KeepAliveTimeout", errors);
        Between(options.RequestHeadersTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5), "RequestHeadersTimeout", errors);
        if (options.MaxConcurrentConnections is { } max)
        {
            if (max < 1)
            {
                errors.Add($"{LimitsOptions.Section}:MaxConcurrentConnections must be empty (automatic) or at least 1, not '{max}'");
            }
            else if (descriptors is { } files && max > DescriptorLimit.ConnectionsFor(files))
            {
                errors.Add($"{LimitsOptions.Section}:MaxConcurrentConnections is {max}, but this process may open only {files} files (ulimit -n): "
                    + $"a connection can take two (the client's and the registry's) and {DescriptorLimit.Reserved} are kept for the rest, "
                    + $"so at most {DescriptorLimit.ConnectionsFor(files)}. Raise the descriptor limit or lower the setting");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>The configured connection limit, or the default the descriptor limit can hold.</summary>
    public long EffectiveMaxConnections(LimitsOptions options) =>
        options.MaxConcurrentConnections
        ?? Math.Max(1, Math.Min(LimitsOptions.DefaultMaxConcurrentConnections, descriptors is { } files ? DescriptorLimit.ConnectionsFor(files) : long.MaxValue));

    private static void Between(int value, int min, int max, string key, List<string> errors)
    {
        if (value < min || value > max)
        {
            errors.Add($"{LimitsOptions.Section}:{key} must be between {min} and {max}, not '{value}'");
        }
    }

    private static void Between(TimeSpan value, TimeSpan min, TimeSpan max, string key, List<string> errors)
    {
        if (value < min || value > max)
        {
            errors.Add($"{LimitsOptions.Section}:{key} must be between {min:c} and {max:c}, not '{value:c}'");
        }
    }
}

using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Options;

namespace Gateway.Configuration;

/// <summary>
/// Says where each invalid value was set (a file, an environment variable, the command line), so that
/// "cannot start" names the file, the key and the reason (README.md, "Configuration").
/// </summary>
internal static partial class ConfigurationErrors
{
    public static OptionsValidationException WithSources(IConfiguration configuration, OptionsValidationException error)
    {
        var failures = error.Failures.Select(failure => KeyPattern().Match(failure) is { Success: true } key
            ? $"{SourceOf(configuration, key.Value)}: {failure}"
            : failure);
        return new OptionsValidationException(error.OptionsName, error.OptionsType, [.. failures]);
    }

    /// <summary>The last provider that sets the key wins, as configuration itself reads it.</summary>
    public static string SourceOf(IConfiguration configuration, string key)
    {
        var providers = (configuration as IConfigurationRoot)?.Providers.Reverse() ?? [];
        foreach (var provider in providers)
        {
            if (provider.TryGet(key, out _))
            {
                return provider switch
                {
                    FileConfigurationProvider file => file.Source.Path ?? "a configuration file",
                    EnvironmentVariablesConfigurationProvider => "environment variable " + key.Replace(":", "__", StringComparison.Ordinal),
                    _ => provider.ToString() ?? "configuration",
                };
            }
        }

        return "not set";
    }

    [GeneratedRegex(@"^Gateway(:[A-Za-z0-9]+)+")]
    private static partial Regex KeyPattern();
}

using System.Net;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Gateway.TrustedPublishing;

/// <summary>Every error of <c>Gateway:TrustedPublishing</c> at once, each naming its key and value (never the registry token's).</summary>
internal sealed class TrustedPublishingOptionsValidator(IHostEnvironment environment) : IValidateOptions<TrustedPublishingOptions>
{
    private const string Section = TrustedPublishingOptions.Section;

    public ValidateOptionsResult Validate(string? name, TrustedPublishingOptions options)
    {
        var errors = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Issuers.Count; i++)
        {
            var issuer = options.Issuers[i];
            var key = $"{Section}:Issuers:{i}";
            if (UrlProblem(issuer.Issuer) is { } problem)
            {
                errors.Add($"{key}:Issuer {problem}, not '{issuer.Issuer}'");
            }
            else if (!seen.Add(issuer.Issuer))
            {
                errors.Add($"{key}:Issuer '{issuer.Issuer}' is listed twice");
            }

            if (!TrustProviderWire.TryParse(issuer.Type, out _))
            {
                errors.Add($"{key}:Type must be 'github', 'gitlab' or 'circleci', not '{issuer.Type}'");
            }

            if (issuer.JwksUri is not null && issuer.JwksFile is not null)
            {
                errors.Add($"{key}: set JwksUri or JwksFile, not both");
            }

            if (issuer.JwksUri is not null && UrlProblem(issuer.JwksUri) is { } jwksProblem)
            {
                errors.Add($"{key}:JwksUri {jwksProblem}, not '{issuer.JwksUri}'");
            }

            if (issuer.JwksFile is not null && JwksFileProblem(issuer.JwksFile) is { } fileProblem)
            {
                errors.Add($"{key}:JwksFile '{issuer.JwksFile}' {fileProblem}");
            }
        }

        for (var i = 0; i < options.Audiences.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(options.Audiences[i]))
            {
                errors.Add($"{Section}:Audiences:{i} must not be empty");
            }
        }

        if (options.TokenLifetime < TimeSpan.FromSeconds(1) || options.TokenLifetime > TimeSpan.FromHours(1))
        {
            errors.Add($"{Section}:TokenLifetime must be between 00:00:01 and 01:00:00, not '{options.TokenLifetime:c}'");
        }

        if (options.MaxTokenAge < TimeSpan.FromSeconds(1) || options.MaxTokenAge > TimeSpan.FromHours(1))
        {
            errors.Add($"{Section}:MaxTokenAge must be between 00:00:01 and 01:00:00 (an id token older than this is refused), not '{options.MaxTokenAge:c}'");
        }

        if (options.ClockSkew < TimeSpan.Zero || options.ClockSkew > TimeSpan.FromMinutes(5))
        {
            errors.Add($"{Section}:ClockSkew must be between 00:00:00 and 00:05:00, not '{options.ClockSkew:c}'");
        }

        if (options.ExchangesPerAddress < 1)
        {
            errors.Add($"{Section}:ExchangesPerAddress must be at least 1, not '{options.ExchangesPerAddress}'");
        }

        if (options.Enabled && string.IsNullOrWhiteSpace(options.RegistryToken))
        {
            errors.Add($"{Section}:RegistryToken must be set when issuers are configured: it is the registry credential trusted workflows publish with");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>An absolute URL, https — or http on a loopback host (a test or a sidecar issuer): the keys must not be replaceable on the way.</summary>
    internal static string? UrlProblem(string? text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || uri.Host.Length == 0)
        {
            return "must be an absolute https URL";
        }

        return uri.Scheme == "http" && !IsLoopback(uri.Host) ? "must use https (plain http only on a loopback address)" : null;
    }

    internal static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));

    private string? JwksFileProblem(string file)
    {
        var path = Path.IsPathRooted(file) ? file : Path.Combine(environment.ContentRootPath, file);
        try
        {
            return new JsonWebKeySet(File.ReadAllText(path)).GetSigningKeys().Count == 0 ? "holds no signing key" : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or System.Text.Json.JsonException)
        {
            return "cannot be read as a JWKS: " + e.Message;
        }
    }
}

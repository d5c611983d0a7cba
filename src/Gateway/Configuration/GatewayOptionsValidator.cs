using Microsoft.Extensions.Options;

namespace Gateway.Configuration;

/// <summary>Refuses to start with a configuration that would proxy to the wrong place; every message names the key.</summary>
internal sealed class GatewayOptionsValidator : IValidateOptions<GatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var errors = new List<string>();
        CheckAbsoluteHttpUrl(options.Upstream, "Gateway:Upstream", errors);
        CheckAbsoluteHttpUrl(options.PublicUrl, "Gateway:PublicUrl", errors);
        if (string.IsNullOrWhiteSpace(options.Store))
        {
            errors.Add("Gateway:Store must be 'embedded' or a Redis connection string such as '127.0.0.1:6379'");
        }

        if (string.IsNullOrWhiteSpace(options.DataPath))
        {
            errors.Add("Gateway:DataPath must name a folder");
        }

        if (string.IsNullOrWhiteSpace(options.PolicyFile))
        {
            errors.Add("Gateway:PolicyFile must name the route-policy file");
        }

        if (string.IsNullOrWhiteSpace(options.TotpIssuer))
        {
            errors.Add("Gateway:TotpIssuer must not be empty (authenticator apps show it)");
        }

        if (options.MaxPublishBytes < 1)
        {
            errors.Add($"Gateway:MaxPublishBytes must be at least 1, not '{options.MaxPublishBytes}'");
        }

        if (options.StepUpWindow < TimeSpan.FromSeconds(1) || options.StepUpWindow > GatewayOptions.SessionLifetime)
        {
            errors.Add($"Gateway:StepUpWindow must be between 00:00:01 and {GatewayOptions.SessionLifetime:c} (the session's lifetime), not '{options.StepUpWindow:c}'");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void CheckAbsoluteHttpUrl(string value, string key, List<string> errors)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add($"{key} must be an absolute http(s) URL, not '{value}'");
        }
        else if (uri.AbsolutePath != "/" || uri.Query.Length > 0)
        {
            errors.Add($"{key} must be an origin without a path or query (e.g. 'http://127.0.0.1:4873'), not '{value}'");
        }
    }
}

using Microsoft.Extensions.Options;

namespace Gateway.Configuration;

/// <summary>Refuses to start with a configuration that would proxy to the wrong place; every message names the key.</summary>
/// <param name="configuration">Where the gateway listens (<c>urls</c>, <c>Kestrel:Endpoints</c>, <c>http_ports</c>), so that an upstream naming the gateway itself is refused.</param>
internal sealed class GatewayOptionsValidator(IConfiguration? configuration = null) : IValidateOptions<GatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var errors = new List<string>();
        var upstream = GatewayUrlRules.CheckUpstream(options.Upstream, errors);
        var publicUrl = GatewayUrlRules.CheckPublicUrl(options.PublicUrl, errors);
        if (upstream is not null && publicUrl is not null)
        {
            GatewayUrlRules.CheckNotTheGateway(upstream, publicUrl, ListenAddresses.From(configuration), errors);
        }
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

        if (!string.Equals(options.Enforcement.Trim(), GatewayOptions.EnforceMode, StringComparison.OrdinalIgnoreCase) && !options.ReportOnly)
        {
            errors.Add($"Gateway:Enforcement must be '{GatewayOptions.EnforceMode}' or '{GatewayOptions.ReportOnlyMode}', not '{options.Enforcement}'");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

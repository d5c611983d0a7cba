using Microsoft.Extensions.Options;

namespace Gateway.Automation;

/// <summary>Tokens and package rules: what a credential may do, and when a package raises the second factor.</summary>
internal static class AutomationRegistration
{
    public static WebApplicationBuilder AddAutomation(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IValidateOptions<TokenOptions>, TokenOptionsValidator>();
        builder.Services.AddOptions<TokenOptions>().Bind(builder.Configuration.GetSection(TokenOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<TokenLedger>();
        builder.Services.AddSingleton<PackageRuleBook>();
        return builder;
    }
}

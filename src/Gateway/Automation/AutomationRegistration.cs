using Gateway.Configuration;
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
        builder.Services.AddSingleton<PackageMaintainers>();
        var configured = builder.Configuration[$"{GatewayOptions.Section}:{nameof(GatewayOptions.PackageRulesFile)}"] ?? new GatewayOptions().PackageRulesFile;
        var file = builder.Environment.ResolvePath(configured);
        builder.Services.AddSingleton(sp => new PackageRulesProvider(file, sp.GetRequiredService<ILogger<PackageRulesProvider>>()));
        return builder;
    }

    /// <summary>Loads the package rules now, so an invalid file stops start-up before the server listens.</summary>
    public static WebApplication LoadPackageRules(this WebApplication app)
    {
        app.Services.GetRequiredService<PackageRulesProvider>();
        return app;
    }
}

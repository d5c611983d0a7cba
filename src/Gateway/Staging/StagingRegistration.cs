using Gateway.Configuration;
using Microsoft.Extensions.Options;

namespace Gateway.Staging;

/// <summary><c>Gateway:Staging</c>, the staged publishes, their expiry, and the HTTP client an approval publishes with.</summary>
internal static class StagingRegistration
{
    /// <summary>The upstream client approvals send the held publish with: no base address (like <c>Proxy/UpstreamClient</c>), <c>Gateway:Staging:PublishTimeout</c>.</summary>
    public const string PublishClient = "upstream-stage-publish";

    public static WebApplicationBuilder AddStaging(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IValidateOptions<StagingOptions>, StagingOptionsValidator>();
        builder.Services.AddOptions<StagingOptions>().Bind(builder.Configuration.GetSection(StagingOptions.Section)).ValidateOnStart();
        builder.Services.AddSingleton<StagedPublishes>();
        builder.Services.AddSingleton<StageViewers>();
        builder.Services.AddSingleton<StageDecisions>();
        builder.Services.AddSingleton<StagedTarballFiles>();
        builder.Services.AddHostedService<StageExpiry>();
        builder.Services.AddHttpClient(PublishClient, (sp, client) => client.Timeout = sp.GetRequiredService<IOptions<StagingOptions>>().Value.PublishTimeout);
        return builder;
    }
}

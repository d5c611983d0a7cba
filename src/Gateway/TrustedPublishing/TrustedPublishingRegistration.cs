using Microsoft.Extensions.Options;

namespace Gateway.TrustedPublishing;

/// <summary>Trusted publishing: the configured issuers and their keys, the id-token check, the trust configurations, the exchange.</summary>
internal static class TrustedPublishingRegistration
{
    public static WebApplicationBuilder AddTrustedPublishing(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IValidateOptions<TrustedPublishingOptions>, TrustedPublishingOptionsValidator>();
        builder.Services.AddOptions<TrustedPublishingOptions>().Bind(builder.Configuration.GetSection(TrustedPublishingOptions.Section)).ValidateOnStart();
        // Discovery and keys: a slow issuer must not hold an exchange for long (ConfigurationManager caches what it got).
        builder.Services.AddHttpClient(TrustedIssuers.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(10));
        builder.Services.AddSingleton<TrustedIssuers>();
        builder.Services.AddSingleton<IdTokenValidator>();
        builder.Services.AddSingleton<TrustBook>();
        builder.Services.AddSingleton<TokenExchange>();
        return builder;
    }
}

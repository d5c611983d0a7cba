using Gateway.Configuration;
using Gateway.TwoFactor;
using Gateway.Accounts;
using Gateway.Identity;
using Gateway.Profile;
using Gateway.SecondFactor;
using Gateway.Store;
using Microsoft.Extensions.Options;

namespace Gateway.Pipeline;

/// <summary>The services behind the stages: identity, accounts, second factor, profile.</summary>
internal static class GatewayServices
{
    public static WebApplicationBuilder AddGatewayStages(this WebApplicationBuilder builder)
    {
        builder.Services.AddMemoryCache();
        builder.Services.AddSingleton<IValidateOptions<RegulationOptions>, RegulationOptionsValidator>();
        builder.Services.AddOptions<RegulationOptions>().Bind(builder.Configuration.GetSection(RegulationOptionsValidator.Section)).ValidateOnStart();

        builder.Services.AddSingleton<Usernames>();
        builder.Services.AddSingleton<WhoamiClient>();
        builder.Services.AddSingleton<IdentityResolver>();
        builder.Services.AddSingleton<PasswordChecker>();

        builder.Services.AddSingleton<IUserTwoFactorStore>(sp => sp.GetRequiredService<AccountRecords>());
        builder.Services.AddSingleton<IAccountChanges>(sp => sp.GetRequiredService<AccountRecords>());
        builder.Services.AddSingleton<CachedUserModes>();
        builder.Services.AddSingleton<IUserModeSource>(sp => sp.GetRequiredService<CachedUserModes>());

        builder.Services.AddSingleton<SecretVault>();
        builder.Services.AddSingleton<RecoveryCodes>();
        builder.Services.AddSingleton<FailureRegulator>();
        builder.Services.AddSingleton<OtpVerifier>();
        builder.Services.AddSingleton<ChallengeWriter>();
        builder.Services.AddSingleton<TwoFactorAccounts>();
        return builder;
    }

    /// <summary>Subscribes to mode changes and loads the hashing key before the first request.</summary>
    public static WebApplication WarmUpGatewayStages(this WebApplication app)
    {
        app.Services.GetRequiredService<IUserModeSource>();
        app.Services.GetRequiredService<Security.KeyedHasher>().EnsureKey();
        return app;
    }
}

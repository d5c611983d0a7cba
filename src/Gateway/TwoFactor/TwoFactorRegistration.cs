using Gateway.Accounts;
using Gateway.Configuration;
using Gateway.Security;
using Gateway.Store;
using Microsoft.Extensions.Options;

namespace Gateway.TwoFactor;

/// <summary>The two-factor core: modes, factors, the verifier and its regulation, approval flows.</summary>
internal static class TwoFactorRegistration
{
    public static WebApplicationBuilder AddTwoFactor(this WebApplicationBuilder builder)
    {
        builder.Services.AddMemoryCache();
        builder.Services.AddSingleton<IValidateOptions<RegulationOptions>, RegulationOptionsValidator>();
        builder.Services.AddOptions<RegulationOptions>().Bind(builder.Configuration.GetSection(RegulationOptionsValidator.Section)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<SignInOptions>, SignInOptionsValidator>();
        builder.Services.AddOptions<SignInOptions>().Bind(builder.Configuration.GetSection(SignInOptions.Section)).ValidateOnStart();

        builder.Services.AddSingleton<IUserTwoFactorStore>(sp => sp.GetRequiredService<AccountRecords>());
        builder.Services.AddSingleton<IAccountChanges>(sp => sp.GetRequiredService<AccountRecords>());
        builder.Services.AddSingleton<CachedUserModes>();
        builder.Services.AddSingleton<IUserModeSource>(sp => sp.GetRequiredService<CachedUserModes>());

        builder.Services.AddSingleton<SecretVault>();
        builder.Services.AddSingleton<RecoveryCodes>();
        builder.Services.AddSingleton<FailureRegulator>();
        builder.Services.AddSingleton<SecondFactorVerifier>();
        builder.Services.AddSingleton<TwoFactorAccounts>();

        builder.Services.AddSingleton<BrowserFlowStore>();
        builder.Services.AddSingleton<WebOtpTokens>();
        builder.Services.AddSingleton<FlowCreationLimits>();
        builder.Services.AddSingleton<PasswordGuesses>();
        builder.Services.AddSingleton<WrongPasswordFloor>();
        return builder;
    }

    /// <summary>Subscribes to mode changes and loads the hashing key before the first request.</summary>
    public static WebApplication WarmUpTwoFactor(this WebApplication app)
    {
        app.Services.GetRequiredService<IUserModeSource>();
        app.Services.GetRequiredService<KeyedHasher>().EnsureKey();
        return app;
    }
}

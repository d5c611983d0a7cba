using Gateway.Store;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Gateway.WebAuthn;

/// <summary>
/// Security keys (docs/ARCHITECTURE.md#layers, src/Gateway/WebAuthn/README.md): ASP.NET Identity's passkey handler over a Redis user store, used
/// as a second factor only: no SignInManager, no cookies, no Identity user accounts.
/// Needs the store (<c>AddStore</c>), the dependency guards and <c>TimeProvider</c> registered as well.
/// </summary>
internal static class SecurityKeysRegistration
{
    public static WebApplicationBuilder AddSecurityKeys(this WebApplicationBuilder builder)
    {
        builder.Services.AddSecurityKeys(builder.Configuration);
        return builder;
    }

    public static IServiceCollection AddSecurityKeys(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<WebAuthnOptions>, WebAuthnOptionsSetup>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebAuthnOptions>, WebAuthnOptionsValidator>());
        services.AddOptions<WebAuthnOptions>().Bind(configuration.GetSection(WebAuthnOptions.Section)).ValidateOnStart();

        services.AddIdentityCore<GatewayUser>().AddUserStore<RedisPasskeyStore>();
        services.TryAddScoped<IPasskeyHandler<GatewayUser>, PasskeyHandler<GatewayUser>>();
        services.AddOptions<IdentityPasskeyOptions>().Configure<IOptions<WebAuthnOptions>>(ConfigurePasskeys);

        services.TryAddSingleton<KeyRecords>();
        services.TryAddSingleton<CeremonyStore>();
        services.TryAddSingleton<SecurityKeys>();
        return services;
    }

    private static void ConfigurePasskeys(IdentityPasskeyOptions passkeys, IOptions<WebAuthnOptions> webAuthn)
    {
        var options = webAuthn.Value;
        // Not the request's Host: the RP ID keys are scoped to comes from configuration only.
        passkeys.ServerDomain = options.RpId;
        // Plain security keys (no PIN, not discoverable) are the point: they are a second factor after the
        // registry password, so user verification and resident keys are only "discouraged".
        passkeys.UserVerificationRequirement = "discouraged";
        passkeys.ResidentKeyRequirement = "discouraged";
        passkeys.AttestationConveyancePreference = "none";
        // The browser gives up when the server would anyway.
        passkeys.AuthenticatorTimeout = options.CeremonyLifetime;
        var allowed = options.Origins.ToHashSet(StringComparer.Ordinal);
        passkeys.ValidateOrigin = context => ValueTask.FromResult(IsAllowedOrigin(context, allowed));
    }

    /// <summary>
    /// WebAuthn L3 §7.1 step 9 / §7.2 step 12-13: the exact origin from the allow-list, and never from a
    /// cross-origin iframe (no topOrigin other than an allowed one either).
    /// </summary>
    internal static bool IsAllowedOrigin(PasskeyOriginValidationContext context, IReadOnlySet<string> allowed) =>
        !context.CrossOrigin
        && context.Origin is { Length: > 0 } origin
        && allowed.Contains(origin)
        && (context.TopOrigin is null || allowed.Contains(context.TopOrigin));
}

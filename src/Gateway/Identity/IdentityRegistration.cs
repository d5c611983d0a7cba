using Gateway.Accounts;

namespace Gateway.Identity;

/// <summary>Who is calling: usernames, the registry's whoami, its sign-in, its password check and its login.</summary>
internal static class IdentityRegistration
{
    public static WebApplicationBuilder AddIdentity(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<Usernames>();
        builder.Services.AddSingleton<WhoamiClient>();
        builder.Services.AddSingleton<IdentityResolver>();
        builder.Services.AddSingleton<RegistrySignIn>();
        builder.Services.AddSingleton<PasswordChecker>();
        builder.Services.AddSingleton<UpstreamLogin>();
        return builder;
    }
}

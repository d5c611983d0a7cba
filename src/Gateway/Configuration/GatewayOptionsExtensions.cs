using Microsoft.Extensions.Options;

namespace Gateway.Configuration;

internal static class GatewayOptionsExtensions
{
    /// <summary>
    /// Binds <c>Gateway</c> for the container and, once, for the parts configured before it exists (the YARP
    /// route, Data Protection): both are checked by the same <see cref="GatewayOptionsValidator"/>, so a bad value
    /// stops start-up here, with its key, before anything uses it.
    /// </summary>
    public static WebApplicationBuilder AddGatewayOptions(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>();
        builder.Services.AddOptions<GatewayOptions>()
            .Bind(builder.Configuration.GetSection(GatewayOptions.Section))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<MemoryOptions>, MemoryOptionsValidator>();
        builder.Services.AddOptions<MemoryOptions>().Bind(builder.Configuration.GetSection(MemoryOptions.Section)).ValidateOnStart();
        _ = builder.ValidatedGatewayOptions();
        return builder;
    }

    /// <summary>The validated options, for registrations that need them before the container is built.</summary>
    public static GatewayOptions ValidatedGatewayOptions(this WebApplicationBuilder builder)
    {
        if (builder.Host.Properties.TryGetValue(typeof(GatewayOptions), out var bound))
        {
            return (GatewayOptions)bound;
        }

        var options = builder.Configuration.GetSection(GatewayOptions.Section).Get<GatewayOptions>() ?? new GatewayOptions();
        var result = new GatewayOptionsValidator(builder.Configuration).Validate(Options.DefaultName, options);
        if (result.Failed)
        {
            throw ConfigurationErrors.WithSources(builder.Configuration, new OptionsValidationException(Options.DefaultName, typeof(GatewayOptions), result.Failures));
        }

        builder.Host.Properties[typeof(GatewayOptions)] = options;
        return options;
    }

    /// <summary>
    /// Runs every option set's validation (each module registers its own with <c>ValidateOnStart</c>) before
    /// anything uses them, so a bad value stops start-up with the key, where it was set, and the reason.
    /// </summary>
    public static WebApplication ValidateGatewayOptions(this WebApplication app)
    {
        try
        {
            app.Services.GetRequiredService<IStartupValidator>().Validate();
        }
        catch (OptionsValidationException e)
        {
            throw ConfigurationErrors.WithSources(app.Configuration, e);
        }

        return app;
    }

    /// <summary>Resolves a configured file path: relative paths are tried against the content root, then the app folder.</summary>
    public static string ResolvePath(this IHostEnvironment environment, string path)
    {
        if (Path.IsPathRooted(path))
        {
            return path;
        }

        var fromContentRoot = Path.Combine(environment.ContentRootPath, path);
        var fromAppFolder = Path.Combine(AppContext.BaseDirectory, path);
        return File.Exists(fromContentRoot) || !File.Exists(fromAppFolder) ? fromContentRoot : fromAppFolder;
    }
}

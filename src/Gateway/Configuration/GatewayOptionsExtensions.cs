using Microsoft.Extensions.Options;

namespace Gateway.Configuration;

internal static class GatewayOptionsExtensions
{
    public static WebApplicationBuilder AddGatewayOptions(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>();
        builder.Services.AddOptions<GatewayOptions>()
            .Bind(builder.Configuration.GetSection(GatewayOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        return builder;
    }

    /// <summary>Validates the options before anything else uses them, so a bad value stops start-up with its key.</summary>
    public static WebApplication ValidateGatewayOptions(this WebApplication app)
    {
        _ = app.Services.GetRequiredService<IOptions<GatewayOptions>>().Value;
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

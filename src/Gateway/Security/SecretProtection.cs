using Gateway.Configuration;
using Gateway.Store;
using Microsoft.AspNetCore.DataProtection;

namespace Gateway.Security;

/// <summary>
/// ASP.NET Data Protection for secrets at rest (TOTP secrets, the hashing key). The key ring lives in
/// the data folder with the embedded store, and in Redis when the store is shared, so every instance
/// can read what another wrote.
/// </summary>
internal static class SecretProtection
{
    public const string ApplicationName = "npm-2fa-gateway";

    public static WebApplicationBuilder AddSecretProtection(this WebApplicationBuilder builder)
    {
        var options = builder.ValidatedGatewayOptions();
        var dataProtection = builder.Services.AddDataProtection().SetApplicationName(ApplicationName);
        if (options.UsesEmbeddedStore)
        {
            dataProtection.PersistKeysToFileSystem(PrivateFolder(Path.Combine(Path.GetFullPath(options.DataPath), "keys")));
        }
        else
        {
            SecretKeys.PersistKeyRingToStore(builder.Services);
        }

        builder.Services.AddSingleton<SecretKeys>();
        builder.Services.AddSingleton<KeyedHasher>();
        return builder;
    }

    /// <summary>
    /// The key ring decrypts every TOTP secret: its folder is readable by the gateway's OS user only,
    /// whatever the umask (the embedded store's folder is kept the same way).
    /// </summary>
    private static DirectoryInfo PrivateFolder(string path)
    {
        var folder = Directory.CreateDirectory(path);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return folder;
    }
}

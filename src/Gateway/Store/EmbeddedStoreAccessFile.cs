using System.Globalization;

namespace Gateway.Store;

/// <summary>
/// <c>{dataPath}/store-access</c>: how to reach the running embedded store (host, port, password), for
/// operator commands run as the gateway's own OS user (README.md, operators section). Created with mode
/// 0600 from the first byte and moved into place, so it is never readable by another user, not even
/// briefly; removed on graceful stop. Its password is new at every start.
/// </summary>
internal static class EmbeddedStoreAccessFile
{
    public const string FileName = "store-access";

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static string PathIn(string dataPath) => Path.Combine(dataPath, FileName);

    public static void Write(string dataPath, int port, string password)
    {
        var path = PathIn(dataPath);
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            // Applied by open(2) itself (O_CREAT|O_EXCL with mode 0600, narrowed further by the umask).
            options.UnixCreateMode = OwnerOnly;
        }

        try
        {
            using (var writer = new StreamWriter(temporary, System.Text.Encoding.ASCII, options))
            {
                writer.Write(string.Create(CultureInfo.InvariantCulture, $"host=127.0.0.1\nport={port}\npassword={password}\n"));
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>Best effort: a stale file only holds a password that no longer opens anything.</summary>
    public static void Delete(string dataPath)
    {
        try
        {
            File.Delete(PathIn(dataPath));
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

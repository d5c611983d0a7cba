using System.Net.Sockets;

namespace Gateway.Testing;

/// <summary>
/// Debian's <c>nginx</c> in the foreground on a free loopback port, its configuration, pid file, logs and temp folders in
/// its own temp folder: a registry's front proxy, e.g. one that serves it under <c>/repository/&lt;repo&gt;/</c> as Nexus does.
/// Dispose kills it (the master stops its worker).
/// </summary>
public sealed class NginxProcess : IAsyncDisposable
{
    private readonly TempDirectory _dir;
    private readonly ChildProcess _process;

    private NginxProcess(TempDirectory dir, ChildProcess process, int port)
    {
        _dir = dir;
        _process = process;
        Port = port;
        Url = $"http://127.0.0.1:{port}";
    }

    public int Port { get; }

    /// <summary>Base URL without trailing slash.</summary>
    public string Url { get; }

    /// <summary>The error log (nginx writes its own errors there, not to stderr).</summary>
    public string ErrorLog => _dir.Combine("error.log");

    /// <param name="locations">The server block's <c>location</c> directives.</param>
    public static async Task<NginxProcess> StartAsync(string locations)
    {
        var dir = new TempDirectory("nginx");
        var port = FreePort.Next();
        var config = dir.Combine("nginx.conf");
        await File.WriteAllTextAsync(config, $$"""
            daemon off;
            worker_processes 1;
            pid {{dir.Combine("nginx.pid")}};
            error_log {{dir.Combine("error.log")}} warn;
            events { worker_connections 256; }
            http {
              access_log off;
              client_body_temp_path {{dir.Combine("body")}}; proxy_temp_path {{dir.Combine("proxy")}};
              fastcgi_temp_path {{dir.Combine("fastcgi")}}; uwsgi_temp_path {{dir.Combine("uwsgi")}}; scgi_temp_path {{dir.Combine("scgi")}};
              client_max_body_size 0;
              server {
                listen 127.0.0.1:{{port}};
            {{locations}}
              }
            }
            """);
        // Workers started by root run as nobody: they must reach the folder.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(dir.Path, (UnixFileMode)0b111_101_101);
        }
        ChildProcess process;
        try
        {
            process = ChildProcess.Start("nginx", ["-p", dir.Path, "-c", config, "-e", dir.Combine("error.log")], dir.Path);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            dir.Dispose();
            throw new InvalidOperationException("nginx is not installed (Debian's nginx package; scripts/test.sh installs it).", e);
        }

        var nginx = new NginxProcess(dir, process, port);
        try
        {
            await Wait.UntilAsync($"nginx on {port}", () => AcceptsAsync(port), () => process.HasExited,
                () => process.Output.Tail() + "\n" + (File.Exists(nginx.ErrorLog) ? File.ReadAllText(nginx.ErrorLog) : ""),
                TimeSpan.FromSeconds(20), pollInterval: TimeSpan.FromMilliseconds(20));
        }
        catch
        {
            await nginx.DisposeAsync();
            throw;
        }

        return nginx;
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        return true;
    }

    public ValueTask DisposeAsync()
    {
        _process.Dispose();
        _dir.Dispose();
        return ValueTask.CompletedTask;
    }
}

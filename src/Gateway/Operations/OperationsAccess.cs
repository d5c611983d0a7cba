using System.Security.Cryptography;
using System.Text;
using Gateway.Configuration;
using Microsoft.Extensions.Options;

namespace Gateway.Operations;

/// <summary>
/// Who may read <c>/-/gateway/metrics</c> and <c>/-/gateway/audit</c>: with <c>Gateway:Operations:AccessSecret</c>
/// set, a request carrying <c>Authorization: Bearer &lt;secret&gt;</c>; without it, only a loopback client. Anyone
/// else gets 404, as if nothing were there. Behind a reverse proxy on the same host every client looks like
/// loopback: set a secret there (README.md, "Operating").
/// </summary>
internal sealed class OperationsAccess(IOptions<OperationsOptions> options)
{
    public bool Allows(HttpContext context)
    {
        var secret = options.Value.AccessSecret;
        if (secret.Length == 0)
        {
            return context.Connection.RemoteIpAddress is { } address && System.Net.IPAddress.IsLoopback(address);
        }

        var header = context.Request.Headers.Authorization;
        return header.Count == 1 && header[0] is { } value && value.StartsWith("Bearer ", StringComparison.Ordinal)
            && SameSecret(value["Bearer ".Length..], secret);
    }

    /// <summary>Constant time whatever the lengths: both sides are hashed to 32 bytes first.</summary>
    private static bool SameSecret(string presented, string expected) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));

    /// <summary>For a pipeline branch: answers 404 unless <see cref="Allows"/>.</summary>
    public static void Guard(IApplicationBuilder branch) => branch.Use((context, next) =>
    {
        if (context.RequestServices.GetRequiredService<OperationsAccess>().Allows(context))
        {
            return next(context);
        }

        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    });
}

using System.Collections.Concurrent;

namespace Gateway.WebAuthn;

/// <summary>
/// A registry user as ASP.NET Identity's passkey handler sees them: the npm username and the random,
/// stable WebAuthn user handle (<see cref="Id"/>) that authenticators store instead of the name.
/// A fresh instance per ceremony step; nothing else of the user lives here (the registry owns accounts).
/// </summary>
internal sealed class GatewayUser(string userName, string id)
{
    public string UserName { get; } = userName;

    /// <summary>The WebAuthn user handle (<c>user.id</c>), base64url of 32 random bytes.</summary>
    public string Id { get; } = id;

    /// <summary>
    /// The sign counter of each credential as this instance read it from the store, so that the update after
    /// a verified assertion can be a compare-and-set against exactly what the handler compared with.
    /// </summary>
    internal ConcurrentDictionary<string, uint> ReadSignCounts { get; } = new(StringComparer.Ordinal);
}

using Gateway.Policy;

namespace Gateway.Pipeline;

/// <summary>
/// What the gateway's stages learn about one proxied request. Stages communicate only through this
/// object (set in <see cref="HttpContext.Features"/>), never by calling each other.
/// </summary>
public sealed class GatewayRequestFeature
{
    public required RequestClassification Classification { get; init; }
}

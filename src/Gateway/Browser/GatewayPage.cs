namespace Gateway.Browser;

/// <summary>
/// Endpoint metadata of the gateway's HTML pages: their errors are pages too, while the JSON calls under the
/// same prefix (WebAuthn options, <c>doneUrl</c>) answer JSON (<see cref="Errors.DependencyFailureHandler"/>).
/// </summary>
internal sealed class GatewayPage
{
    public static readonly GatewayPage Instance = new();

    private GatewayPage()
    {
    }
}

namespace Gateway.Http;

/// <summary>
/// A request the gateway answers itself that it cannot take as sent — a malformed document, a body over a limit, an
/// unknown id: its 4xx and the words the client prints. Thrown where the input is read and answered in one place,
/// <c>Errors/ClientFaultHandler</c>, as <c>{"error": …}</c>; the client's fault, never counted against a dependency.
/// </summary>
internal sealed class ClientInputException(int status, string message) : Exception(message)
{
    public int Status { get; } = status is >= 400 and < 500 ? status : throw new ArgumentOutOfRangeException(nameof(status), status, "Only a 4xx is the client's fault.");
}

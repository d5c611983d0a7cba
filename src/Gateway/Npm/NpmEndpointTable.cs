using Gateway.Policy;

namespace Gateway.Npm;

/// <summary>
/// The npm actions the gateway answers itself, and their endpoints (src/Gateway/Endpoints). Chosen by the action the
/// route policy matched — in any spelling of the path — never by a second, stricter reading of the path, and only by
/// the enforcement point, once the request's decision has been carried out (docs/ARCHITECTURE.md, "Endpoints").
/// Filled once at start; read-only after.
/// </summary>
internal sealed class NpmEndpointTable
{
    private readonly Dictionary<NpmAction, Endpoint> _endpoints = [];

    public void Add(NpmAction action, Endpoint endpoint)
    {
        if (!_endpoints.TryAdd(action, endpoint))
        {
            throw new InvalidOperationException($"The npm action {action} already has a gateway endpoint.");
        }
    }

    public Endpoint? Find(NpmAction action) => _endpoints.GetValueOrDefault(action);

    public IReadOnlyCollection<NpmAction> Actions => _endpoints.Keys;
}

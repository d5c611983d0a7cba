using Gateway.Policy;

namespace Gateway.Tests.Policy;

/// <summary>An action by the name config/route-policy.json gives it, for tests written with the names.</summary>
internal static class TestActions
{
    public static NpmAction Named(string name) =>
        name == NpmAction.UnknownRead.Name ? NpmAction.UnknownRead
        : name == NpmAction.UnknownWrite.Name ? NpmAction.UnknownWrite
        : NpmAction.TryFind(name, out var action) ? action
        : throw new ArgumentException($"no npm action is called {name}", nameof(name));
}

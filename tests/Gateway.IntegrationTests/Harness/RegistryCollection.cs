namespace Gateway.IntegrationTests.Harness;

/// <summary>Test classes marked <c>[Collection(RegistryCollection.Name)]</c> share one <see cref="RegistryFixture"/>
/// (and so run one after another).</summary>
[CollectionDefinition(Name)]
public sealed class RegistryCollection : ICollectionFixture<RegistryFixture>
{
    public const string Name = "registry";
}

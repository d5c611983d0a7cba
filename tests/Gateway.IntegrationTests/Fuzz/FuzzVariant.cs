namespace Gateway.IntegrationTests.Fuzz;

/// <summary>One generated request: which action it attacks, as whom, the mutations applied (the recipe) and the bytes.</summary>
internal sealed record FuzzVariant(int Index, string Action, FuzzActor Actor, string Recipe, RawHttpRequest Request);

namespace Gateway.Policy;

/// <summary>The policy file cannot be used; <see cref="Errors"/> lists every problem found, each naming file, rule and reason.</summary>
public sealed class PolicyFileException(string file, IReadOnlyList<string> errors, string what = "Route policy")
    : Exception($"{what} {file} is invalid:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", errors))
{
    public string File { get; } = file;

    public IReadOnlyList<string> Errors { get; } = errors;
}

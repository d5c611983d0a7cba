using System.Text.RegularExpressions;

namespace Gateway.ClientMatrixTests.Infrastructure;

/// <summary>The stage id a client printed after staging (npm and pnpm: <c>staged with id &lt;id&gt;</c>; Yarn: <c>yarn npm stage approve &lt;id&gt;</c>).</summary>
internal static partial class StageIds
{
    public static string Of(NpmResult staged) =>
        Uuid().Match(staged.Stdout + staged.Stderr) is { Success: true } id ? id.Value : throw new Xunit.Sdk.XunitException("The client printed no stage id:\n" + staged);

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex Uuid();
}

using System.Text.RegularExpressions;
using Gateway.Configuration;
using Microsoft.Extensions.Options;

namespace Gateway.Accounts;

/// <summary>
/// Registry usernames as the gateway keys its records by. A name is checked before it reaches any store
/// key (so <c>alice:recovery</c> can never name another record's key), and, for registries whose names
/// are case-insensitive (LDAP behind Verdaccio, Nexus, Artifactory), folded to lower case so that
/// <c>ALICE</c> and <c>alice</c> are one 2FA record (<c>Gateway:CaseInsensitiveUsernames</c>).
/// </summary>
public sealed partial class Usernames(IOptions<GatewayOptions> options)
{
    public const int MaxLength = 128;

    /// <summary>
    /// Letters, digits and <c>. _ ~ @ + -</c>, starting with a letter, digit or underscore: every npm
    /// username and e-mail-like LDAP name; never the key separator <c>:</c>, hash-tag braces, spaces,
    /// slashes, percent signs or control characters.
    /// </summary>
    public static bool IsWellFormed(string? name) => name is { Length: > 0 and <= MaxLength } && Pattern().IsMatch(name);

    private bool CaseInsensitive => options.Value.CaseInsensitiveUsernames;

    /// <summary>The name as the store keys it, or false when the gateway cannot key it safely.</summary>
    public bool TryCanonical(string? name, out string canonical)
    {
        canonical = "";
        if (!IsWellFormed(name))
        {
            return false;
        }

        canonical = CaseInsensitive ? name!.ToLowerInvariant() : name!;
        return true;
    }

    /// <summary>Whether the registry would take two spellings for the same account.</summary>
    public bool Same(string a, string b) =>
        string.Equals(a, b, CaseInsensitive ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9._~@+-]*$")]
    private static partial Regex Pattern();
}

namespace Gateway.Http;

/// <summary>
/// Whether an <c>Authorization</c> value carries a credential longer than any real one
/// (<see cref="Configuration.MemoryOptions.MaxCredentialLength"/>): checked before the credential is hashed, looked
/// up or cached, so that made-up credentials cost a length comparison (docs/SECURITY.md, "Availability").
/// </summary>
internal static class CredentialLength
{
    /// <summary>The credential is what follows the scheme and its space (<c>Bearer</c>'s token, <c>Basic</c>'s base64), or the whole value without a space.</summary>
    public static bool IsTooLong(string authorization, int maxLength)
    {
        if (authorization.Length <= maxLength)
        {
            return false;
        }

        var space = authorization.IndexOf(' ', StringComparison.Ordinal);
        return authorization.Length - (space + 1) > maxLength;
    }
}

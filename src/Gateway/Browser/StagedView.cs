namespace Gateway.Browser;

/// <summary>What the "Staged releases" page shows the signed-in user (public because Razor components, and so their parameters, are).</summary>
/// <param name="Enabled">Whether the account has 2FA: approving and rejecting need it.</param>
/// <param name="Fresh">Whether the session's step-up is fresh: the forms then need no second factor of their own.</param>
/// <param name="Window">How long a step-up stays fresh, in words ("5 minutes").</param>
public sealed record StagedView(string User, bool Enabled, bool HasKeys, bool Fresh, string Window, IReadOnlyList<StagedRelease> Releases);

/// <summary>One staged publish as the page lists it, with the names of the files in its tarball.</summary>
/// <param name="Tarball">The tarball's size in bytes.</param>
/// <param name="FilesComplete">False when the list stopped at its bound (Staging/StagedTarballFiles.cs) or at an unreadable part.</param>
/// <param name="FilesUnreadable">The tarball is not a readable gzip'd tar.</param>
public sealed record StagedRelease(
    string Id, string Package, string Version, string Tag, string Actor, DateTimeOffset StagedAt, long Tarball, string Shasum,
    IReadOnlyList<string> Files, bool FilesComplete, bool FilesUnreadable);

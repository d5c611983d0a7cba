using Gateway.Accounts;
using Gateway.Audit;

namespace Gateway.Browser;

/// <summary>What the account page shows of the signed-in user (public because Razor components, and so their parameters, are).</summary>
/// <param name="Fresh">Whether the session's step-up is fresh: forms then need no second factor of their own.</param>
/// <param name="Window">How long a step-up stays fresh, in words ("5 minutes").</param>
/// <param name="TrustedPublishers">The trust configurations of the packages the user maintains (read only for an account with 2FA).</param>
public sealed record AccountView(
    string User, TwoFactorMode Mode, bool HasTotp, IReadOnlyList<SecurityKeyRow> Keys, long RecoveryCodes, bool Fresh, string Window, IReadOnlyList<AuditEvent> History,
    TrustedPublisherList? TrustedPublishers = null)
{
    public bool Enabled => Mode != TwoFactorMode.Disabled;

    public bool HasKeys => Keys.Count > 0;
}

/// <summary>A security key as the account page lists it.</summary>
public sealed record SecurityKeyRow(string Id, string Name, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt);

namespace Gateway.Accounts;

/// <summary>
/// Word that a user's 2FA record changed, on this instance or another (the store announces every change), so
/// that caches of it can forget; and that the store reconnected, after which announcements may have been missed.
/// </summary>
public interface IAccountChanges
{
    event Action<string>? Changed;

    event Action? Reconnected;
}

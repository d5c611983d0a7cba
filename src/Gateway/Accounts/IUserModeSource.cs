namespace Gateway.Accounts;

/// <summary>What the request pipeline needs of accounts: a user's mode, fast.</summary>
public interface IUserModeSource
{
    /// <exception cref="Resilience.DependencyUnavailableException">The store cannot answer.</exception>
    ValueTask<TwoFactorMode> GetModeAsync(string username, CancellationToken cancellation);
}

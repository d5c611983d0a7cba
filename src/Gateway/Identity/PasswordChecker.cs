using System.Net;
using System.Text;
using Gateway.Accounts;
using Gateway.Resilience;

namespace Gateway.Identity;

/// <summary>
/// Checks a user's registry password against the upstream, the only place that knows it: a
/// Basic-authenticated <c>/-/whoami</c> must name that same user.
/// </summary>
internal sealed class PasswordChecker(WhoamiClient whoami, Usernames usernames, [FromKeyedServices(ResilienceRegistration.Upstream)] DependencyGuard guard)
{
    /// <exception cref="DependencyUnavailableException">The registry cannot answer.</exception>
    public async ValueTask<bool> IsValidAsync(string username, string password, CancellationToken cancellation, IPAddress? clientAddress = null)
    {
        if (username.Length == 0 || password.Length == 0 || username.Contains(':'))
        {
            return false;
        }

        var basic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(username + ":" + password));
        var owner = await guard.ExecuteAsync(ct => whoami.WhoamiAsync(basic, clientAddress, ct), cancellation);
        return owner is not null && usernames.Same(owner, username);
    }
}

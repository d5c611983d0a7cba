using System.Net;
using System.Text;
using Gateway.Accounts;
using Gateway.Resilience;

namespace Gateway.Identity;

/// <summary>
/// Checks a user's registry password against the upstream, the only place that knows it. First a Basic-authenticated
/// <c>/-/whoami</c>, which must name that same user: one request, nothing minted (Verdaccio 6.8, Nexus, Artifactory).
/// A registry that refuses Basic credentials outright (Verdaccio 9) is asked the way its own web UI signs in
/// (<see cref="RegistrySignIn"/>), which never creates an account. Never a couch login: for a name the registry does
/// not know, that signs the name up with the password being "checked" (README, "Verdaccio 9").
/// </summary>
internal sealed class PasswordChecker(
    WhoamiClient whoami,
    RegistrySignIn signIn,
    Usernames usernames,
    [FromKeyedServices(ResilienceRegistration.Upstream)] DependencyGuard guard)
{
    /// <exception cref="DependencyUnavailableException">The registry cannot answer.</exception>
    public async ValueTask<bool> IsValidAsync(string username, string password, CancellationToken cancellation, IPAddress? clientAddress = null) =>
        (await ProveAsync(username, password, cancellation, clientAddress)).Valid;

    /// <summary>As <see cref="IsValidAsync"/>, with the registry's own <c>WWW-Authenticate</c> when it refused Basic.</summary>
    /// <exception cref="DependencyUnavailableException">The registry cannot answer.</exception>
    public async ValueTask<PasswordProof> ProveAsync(string username, string password, CancellationToken cancellation, IPAddress? clientAddress = null) =>
        (await ProveWithCredentialAsync(username, password, cancellation, clientAddress)).Proof;

    /// <summary>
    /// The credential the registry took the password with, for one request the gateway makes on the user's behalf at
    /// once (approving a staged publish on the page: docs/SECURITY.md, "Staged publishes"): Basic, or — on a registry that
    /// refuses Basic (Verdaccio 9) — its sign-in session as Bearer. Null for a wrong password. The caller never keeps it.
    /// </summary>
    /// <exception cref="DependencyUnavailableException">The registry cannot answer.</exception>
    public async ValueTask<string?> CredentialAsync(string username, string password, CancellationToken cancellation, IPAddress? clientAddress = null) =>
        (await ProveWithCredentialAsync(username, password, cancellation, clientAddress)).Credential;

    private async ValueTask<(PasswordProof Proof, string? Credential)> ProveWithCredentialAsync(
        string username, string password, CancellationToken cancellation, IPAddress? clientAddress)
    {
        if (username.Length == 0 || password.Length == 0 || username.Contains(':'))
        {
            return (new PasswordProof(false, null), null);
        }

        var basic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(username + ":" + password));
        return await guard.ExecuteAsync<(PasswordProof, string?)>(async ct =>
        {
            var answer = await whoami.AskAsync(basic, clientAddress, ct);
            if (answer.Username is { } owner)
            {
                var valid = usernames.Same(owner, username);
                return (new PasswordProof(valid, null), valid ? basic : null);
            }

            // A proof drops the session unused (a sign-in session cannot be revoked: RegistrySignIn); CredentialAsync hands it
            // to its one request and drops it then.
            var session = await signIn.SignInAsync(username, password, clientAddress, ct);
            var signedIn = session is not null && usernames.Same(session.Username, username);
            return (new PasswordProof(signedIn, answer.Challenge), signedIn ? "Bearer " + session!.Token : null);
        }, cancellation);
    }
}

/// <param name="Valid">The registry took the password as this user's.</param>
/// <param name="RegistryChallenge">The <c>WWW-Authenticate</c> the registry answered Basic credentials with, when it
/// refused them: a refusal the gateway writes in the registry's words uses it (<c>Npm/RegistryLoginRefusal</c>).</param>
internal readonly record struct PasswordProof(bool Valid, string? RegistryChallenge);

using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;

namespace Gateway.Browser;

/// <summary>
/// Ties the confirm step of a new authenticator app to the start step: the start page (reached only with a
/// fresh step-up) carries a ticket naming the user, the session and the new secret, valid for one step-up
/// window. Confirm accepts only a live ticket of this session for the secret that is pending now, so a
/// session that could not start an enrolment cannot finish one either (nor one started elsewhere).
/// </summary>
internal sealed class EnrolmentTickets(IDataProtectionProvider protection, StepUp stepUp)
{
    private readonly ITimeLimitedDataProtector _protector =
        protection.CreateProtector("npm-2fa-gateway.totp-enrolment.v1").ToTimeLimitedDataProtector();

    /// <param name="pendingSecret">The pending secret as stored (encrypted): unique to this enrolment.</param>
    public string Issue(string username, string sessionId, string pendingSecret) =>
        _protector.Protect(Payload(username, sessionId, pendingSecret), stepUp.Now + stepUp.Window);

    public bool IsValid(string? ticket, string username, string sessionId, string pendingSecret)
    {
        if (string.IsNullOrEmpty(ticket))
        {
            return false;
        }

        try
        {
            var payload = _protector.Unprotect(ticket, out var expires);
            return expires > stepUp.Now && CryptographicOperations.FixedTimeEquals(
                Encoding.UTF8.GetBytes(payload), Encoding.UTF8.GetBytes(Payload(username, sessionId, pendingSecret)));
        }
        catch (CryptographicException)
        {
            return false; // tampered, expired, or from another key ring
        }
    }

    // The secret only as a hash: the ticket names it, it need not carry it.
    private static string Payload(string username, string sessionId, string secret) =>
        username + "\n" + sessionId + "\n" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}

using Gateway.Accounts;
using Gateway.TwoFactor;
using Gateway.WebAuthn;

namespace Gateway.Browser;

/// <summary>What every account-page handler uses, bound once per request with <c>[AsParameters]</c>.</summary>
internal sealed record AccountPageServices(
    IUserTwoFactorStore Accounts,
    SecurityKeys Keys,
    SecondFactorProof Proof,
    StepUp StepUp,
    TwoFactorAccounts Enrolment,
    TrustedPublisherListing TrustedPublishers,
    ILogger<AccountPages.Log> Logger);

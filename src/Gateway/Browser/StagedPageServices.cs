using Gateway.Accounts;
using Gateway.Staging;
using Gateway.WebAuthn;

namespace Gateway.Browser;

/// <summary>What every handler of the "Staged releases" page uses, bound once per request with <c>[AsParameters]</c>.</summary>
internal sealed record StagedPageServices(
    IUserTwoFactorStore Accounts,
    SecurityKeys Keys,
    SecondFactorProof Proof,
    StepUp StepUp,
    StagedPublishes Stages,
    StageViewers Viewers,
    StagedTarballFiles Files,
    ILogger<StagedPages.Log> Logger);

namespace Gateway.Logging;

/// <summary>
/// Every event id the gateway logs with, in one place: operators filter and alert on these numbers, so
/// an id keeps its meaning once shipped and no two events share one (Gateway.Tests checks both against
/// every <c>[LoggerMessage]</c>). The hundreds name an area; ids from 1400 on were added later and are
/// listed with their area without being renumbered.
/// </summary>
internal static class LogEvents
{
    // Configuration files (Policy/, Automation/)
    public const int RoutePolicyLoaded = 100;
    public const int RoutePolicyReloaded = 101;
    public const int RoutePolicyReloadRejected = 102;
    public const int PackageRulesLoaded = 110;
    public const int PackageRulesReloadRejected = 111;

    // npm requests before the second factor: classification, token limits, identity (Npm/)
    public const int RequestClassified = 200;
    public const int RequestBodyRefused = 201;
    public const int TokenLimitsRefused = 210;
    public const int TokenLimitsUnchecked = 211;
    public const int AuthorizationHeaderRepeated = 212;
    public const int AuthorizationHeaderTooLong = 1420;
    public const int IdentityRefused = 300;
    public const int LoginWrongPassword = 301;
    public const int RequestRefusedBeforeDecision = 302;
    public const int AnonymousRefused = 1460;

    // npm requests: second factor, write rules, tokens (Npm/)
    public const int SecondFactorRefused = 400;
    public const int SecondFactorAccepted = 401;
    public const int WebOtpFlowLimited = 402;
    public const int ReportOnlyWouldChallenge = 403;
    public const int RefusedByTokenOrPackageRules = 450;
    public const int TokenCreated = 460;
    public const int TokenRecordNotDropped = 461;
    public const int TokenCreationUnreadable = 462;
    public const int TokenLoggedOut = 463;
    public const int TokenLogoutNotRecorded = 464;
    public const int PackageRuleChanged = 470;
    public const int ApprovalBodyTooLarge = 1480;
    public const int ApprovalBodyTooSlow = 1481;

    // 2FA changes through npm profile (Npm/)
    public const int ProfileEnrolmentStarted = 500;
    public const int ProfileTwoFactorEnabled = 501;
    public const int ProfileEnrolmentRejected = 502;
    public const int ProfileModeChanged = 503;
    public const int ProfileTwoFactorDisabled = 504;
    public const int ProfileWrongPassword = 505;
    public const int ProfileChangeUnprotected = 506;

    // Pages (Browser/)
    public const int PageSignInRefused = 600;
    public const int AccountChanged = 610;
    public const int AccountStepUpRequired = 611;
    public const int WebOtpApproved = 620;
    public const int WebOtpApprovalRefused = 621;
    public const int WebLoginCompleted = 630;
    public const int WebLoginRefused = 631;
    public const int PageBodyTooLarge = 1421;

    // Security keys (WebAuthn/)
    public const int SecurityKeyRegistered = 700;
    public const int SecurityKeyRegistrationRefused = 701;
    public const int SecurityKeyVerified = 702;
    public const int SecurityKeyRefused = 703;
    public const int SecurityKeyRemoved = 704;

    // Failures answered once (Errors/)
    public const int DependencyUnavailable = 800;
    public const int RegistryRefusedCall = 1400;
    public const int RegistryRateLimited = 1401;
    public const int ClientFault = 1461;

    // Store (Store/)
    public const int EmbeddedStoreListening = 900;
    public const int StoreKeysRenamed = 901;
    public const int StoreReplicasUnconfirmed = 902;
    public const int TokenOwnersIndexed = 903;
    public const int EmbeddedStorePortTaken = 904;
    public const int EmbeddedStoreCheckpointFailed = 905;
    public const int StoreWithoutPassword = 1404;
    public const int AuditListsExpiring = 1442;

    // Audit (Audit/)
    public const int AuditEvent = 1300;
    public const int AuditEventNotStored = 1301;

    // Connections and password guesses (Limits/, TwoFactor/)
    public const int ConnectionsOverAddressLimit = 1402;
    public const int ConnectionLimits = 1403;
    public const int PasswordBackoffStarted = 1440;
    public const int PasswordBackoffRefused = 1441;

    // An upstream under a path (Npm/TarballUrlMiddleware)
    public const int TarballUrlsNotRewritten = 1500;

    // The gateway under a path (Http/PublicPathMiddleware): 1600-1619
    public const int OutsidePublicPath = 1600;

    // Staged publishing's rules (Browser/AccountPages.Staging.cs): 1680-1699
    public const int PackageStagingChanged = 1680;
    public const int PackageStagingRefused = 1681;

    // Staged publishes (Endpoints/Stage*, Staging/), range 1640-1679
    public const int ClientInputRefused = 1640;
    public const int Staged = 1641;
    public const int StageApproved = 1642;
    public const int StageRejected = 1643;
    public const int StageExpired = 1644;
    public const int StageApproveRefusedByRegistry = 1645;
    public const int StageApproveRegistryUnavailable = 1646;
    public const int StageSweepFailed = 1647;
    public const int StageDiscarded = 1648;

    // Trusted publishing (TrustedPublishing/, Endpoints/): ids 1700-1739
    public const int OidcExchangeRefused = 1700;
    public const int OidcExchanged = 1701;
    public const int OidcRegistryCredentialRefused = 1702;
    public const int TrustChanged = 1703;
    public const int TrustedPublisherForwarded = 1705;

    // The "Staged releases" page (Browser/StagedPages.cs, Staging/StagedTarballFiles.cs): 1740-1759
    public const int StagedTarballUnreadable = 1740;
    public const int StagedPageRefused = 1741;

    // Trusted publishers on the account page (Browser/AccountPages.Trust.cs): ids 1770-1771 (of 1770-1789)
    public const int TrustChangedOnPage = 1770;
    public const int TrustChangeRefused = 1771;

    // A direct publish of a staged version (Npm/StagedVersionMiddleware): ids 1772-1779 (of 1770-1789)
    public const int StagedVersionPublishRefused = 1772;
}

namespace Gateway.Store;

/// <summary>What the registration script decided (<see cref="KeyRecords.RegisterAsync"/>).</summary>
internal enum RegisterOutcome
{
    Registered,
    CredentialTaken,
    TooManyKeys,
}

/// <summary>What the sign-counter compare-and-set script decided.</summary>
internal enum CounterOutcome
{
    Advanced,
    Changed,
    KeyRemoved,
}

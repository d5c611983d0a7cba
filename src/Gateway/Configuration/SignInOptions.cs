namespace Gateway.Configuration;

/// <summary>
/// <c>Gateway:SignIn</c>: how password guesses are slowed (docs/SECURITY.md, "Password guessing"). Every password
/// the gateway checks or forwards (the sign-in page, the web-login page, couch logins) counts against the client's
/// network — never against the account named, which a stranger could otherwise lock — and every wrong-password
/// answer waits for a floor, so its timing tells nobody whether the name exists or has 2FA.
/// Checked by <see cref="SignInOptionsValidator"/>.
/// </summary>
public sealed record SignInOptions
{
    public const string Section = "Gateway:SignIn";

    /// <summary>The wrong password from one client network that starts its first back-off (the next one is answered 429).</summary>
    public int AddressFreeFailures { get; init; } = 10;

    /// <summary>The first back-off of a client network; each further wrong password doubles it…</summary>
    public TimeSpan AddressFirstLockout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>…up to this.</summary>
    public TimeSpan AddressLongestLockout { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a client network's wrong passwords are remembered after its last attempt.</summary>
    public TimeSpan AddressFailureLifetime { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Passwords one web login (<c>npm login</c>'s page) may try; then the login is ended and npm must start again.</summary>
    public int GuessesPerFlow { get; init; } = 3;

    /// <summary>
    /// The least time any wrong-password answer takes, counted from the request's arrival. Above the registry's
    /// slowest password check (a bcrypt check through Verdaccio took ~115 ms here, two of them ~230 ms), so an
    /// unknown name answers as slowly as a real one.
    /// </summary>
    public TimeSpan WrongPasswordFloor { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>A uniformly random extra wait on top of the floor, up to this.</summary>
    public TimeSpan WrongPasswordJitter { get; init; } = TimeSpan.FromMilliseconds(100);
}

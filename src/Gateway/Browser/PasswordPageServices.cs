using Gateway.Accounts;
using Gateway.TwoFactor;
using Gateway.WebAuthn;

namespace Gateway.Browser;

/// <summary>
/// What the two password pages (sign-in, web login) check a password with and decide the next step by, bound with
/// <c>[AsParameters]</c>: the username rules, the per-network guess count and the wrong-password floor
/// (docs/SECURITY.md, "Password guessing"), the account's mode and whether it has keys.
/// </summary>
internal sealed record PasswordPageServices(Usernames Usernames, PasswordGuesses Guesses, WrongPasswordFloor Floor, IUserModeSource Modes, SecurityKeys Keys);

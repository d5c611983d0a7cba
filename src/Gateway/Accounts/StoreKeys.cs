using StackExchange.Redis;

namespace Gateway.Accounts;

/// <summary>Every key the gateway keeps per user, in one place (prefix <c>gw:</c>).</summary>
internal static class StoreKeys
{
    public const string UserChangedChannel = "gw:user-changed";

    public static RedisKey User(string username) => "gw:user:" + Checked(username);

    public static RedisKey RecoveryCodes(string username) => "gw:user:" + Checked(username) + ":recovery";

    public static RedisKey Failures(string username) => "gw:user:" + Checked(username) + ":failures";

    /// <summary>The credential an accepted TOTP time step is bound to.</summary>
    public static RedisKey UsedTotp(string username, long step) => "gw:user:" + Checked(username) + ":totp:" + step;

    /// <summary>The credential a consumed recovery code is bound to, for the rest of one npm command.</summary>
    public static RedisKey UsedRecoveryCode(string username, string codeHash) => "gw:user:" + Checked(username) + ":rc-used:" + codeHash;

    /// <summary>
    /// Every username reaching a key was checked where it entered (<see cref="Identity.Usernames"/>); this is
    /// the last line: a name that could reach another record's key is a bug, and fails loudly.
    /// </summary>
    internal static string Checked(string username) => Identity.Usernames.IsWellFormed(username)
        ? username
        : throw new ArgumentException("A username that is not well-formed reached a store key.", nameof(username));

    /// <summary>How many web-OTP flows one credential (a keyed hash) opened in the current flow lifetime.</summary>
    public static RedisKey OpenWebOtpFlows(string credentialId) => "gw:credential:" + credentialId + ":web-otp-flows";

    /// <summary>How many web logins (<c>POST /-/v1/login</c>) one client network started in the current window.</summary>
    public static RedisKey WebLoginStarts(string clientNetwork) => "gw:client:" + clientNetwork + ":web-logins";
}

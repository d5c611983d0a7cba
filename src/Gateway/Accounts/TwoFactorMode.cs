namespace Gateway.Accounts;

/// <summary>A user's 2FA mode, as npm names them (<c>npm profile enable-2fa auth-only|auth-and-writes</c>).</summary>
public enum TwoFactorMode
{
    Disabled,
    AuthOnly,
    AuthAndWrites,
}

public static class TwoFactorModes
{
    public static string ToWire(this TwoFactorMode mode) => mode switch
    {
        TwoFactorMode.AuthOnly => "auth-only",
        TwoFactorMode.AuthAndWrites => "auth-and-writes",
        _ => "disabled",
    };

    public static bool TryParse(string? wire, out TwoFactorMode mode)
    {
        // On failure the mode is Disabled, never an undefined value a caller could mistake for "enabled".
        (mode, var known) = wire switch
        {
            "auth-only" => (TwoFactorMode.AuthOnly, true),
            "auth-and-writes" => (TwoFactorMode.AuthAndWrites, true),
            "disabled" or "disable" => (TwoFactorMode.Disabled, true),
            _ => (TwoFactorMode.Disabled, false),
        };
        return known;
    }

    /// <summary>Does a request of this class need a second factor from a user in this mode?</summary>
    public static bool Requires(this TwoFactorMode mode, Policy.ProtectionClass protection) => protection switch
    {
        Policy.ProtectionClass.Auth => mode is TwoFactorMode.AuthOnly or TwoFactorMode.AuthAndWrites,
        Policy.ProtectionClass.Writes => mode == TwoFactorMode.AuthAndWrites,
        _ => false,
    };
}

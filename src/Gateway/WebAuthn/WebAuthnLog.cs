namespace Gateway.WebAuthn;

/// <summary>Security-key events. Reasons are the verifier's own words; no credential material is ever logged.</summary>
internal static partial class WebAuthnLog
{
    [LoggerMessage(EventId = LogEvents.SecurityKeyRegistered, Level = LogLevel.Information, Message = "Security key {KeyId} registered for user {User}")]
    public static partial void KeyRegistered(ILogger logger, string user, string keyId);

    [LoggerMessage(EventId = LogEvents.SecurityKeyRegistrationRefused, Level = LogLevel.Warning, Message = "Security key registration refused for user {User}: {Reason}")]
    public static partial void RegistrationRefused(ILogger logger, string user, string reason);

    [LoggerMessage(EventId = LogEvents.SecurityKeyVerified, Level = LogLevel.Information, Message = "Security key verified for user {User}")]
    public static partial void AssertionVerified(ILogger logger, string user);

    [LoggerMessage(EventId = LogEvents.SecurityKeyRefused, Level = LogLevel.Warning, Message = "Security key refused for user {User}: {Reason}")]
    public static partial void AssertionRefused(ILogger logger, string user, string reason);

    [LoggerMessage(EventId = LogEvents.SecurityKeyRemoved, Level = LogLevel.Information, Message = "Security key {KeyId} removed for user {User}")]
    public static partial void KeyRemoved(ILogger logger, string user, string keyId);
}

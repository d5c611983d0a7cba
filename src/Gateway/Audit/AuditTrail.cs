using System.Net;
using System.Text.Json;
using Gateway.Configuration;
using Gateway.Resilience;
using Gateway.Security;
using Gateway.Store;
using Microsoft.Extensions.Options;

namespace Gateway.Audit;

/// <summary>
/// Writes each audit event once: a structured log event (category <c>Gateway.Audit.AuditTrail</c>, event id 1300)
/// and an entry of the store's capped trail, shared by every instance (<see cref="AuditRecords"/>). Callers
/// record a decision where it is made, and only there (docs/ARCHITECTURE.md, "Audit"). A store that cannot
/// take the entry does not undo the decision: the log still has the event, and a warning says the trail missed it.
/// </summary>
internal sealed partial class AuditTrail
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    private readonly AuditRecords _records;
    private readonly KeyedHasher _hasher;
    private readonly TimeProvider _time;
    private readonly IOptions<OperationsOptions> _options;
    private readonly ILogger<AuditTrail> _logger;

    public AuditTrail(AuditRecords records, KeyedHasher hasher, TimeProvider time, IOptions<OperationsOptions> options, ILogger<AuditTrail> logger)
    {
        _records = records;
        _hasher = hasher;
        _time = time;
        _options = options;
        _logger = logger;
    }

    /// <summary>
    /// The actor of an npm request: its credential (already a keyed hash, <c>CallerIdentity.CredentialId</c>)
    /// hashed again under its own purpose, so a fingerprint in a log names no store key, and the client's address.
    /// </summary>
    public AuditActor ActorFor(string? credentialId, IPAddress? client) =>
        new(credentialId is null ? null : _hasher.Hash("audit-fingerprint", credentialId)[..16], client?.ToString());

    /// <param name="cancellation">Stops only the caller's wait (the client went away): a decision that was made is still stored.</param>
    /// <param name="provedNothing">
    /// The caller proved no factor (a wrong password): the user's own history is written only for an account the gateway
    /// knows, so a made-up name gets no key (docs/SECURITY.md, "Anonymous noise").
    /// </param>
    public async ValueTask RecordAsync(
        string type, string? user, string outcome, string? action = null, string? package = null, CancellationToken cancellation = default, bool provedNothing = false)
    {
        var actor = AuditActor.Current;
        var entry = new AuditEvent(_time.GetUtcNow(), type, user, actor?.Credential, actor?.Client, action, package, outcome);
        LogEvent(_logger, entry.Type, entry.User, entry.Outcome, entry.Action, entry.Package, entry.Credential, entry.Client);
        await StoreAsync(entry, provedNothing).WaitAsync(cancellation);
    }

    private async Task StoreAsync(AuditEvent entry, bool provedNothing)
    {
        try
        {
            // Bounded by the store guard's timeout, not by the request.
            await _records.AppendAsync(JsonSerializer.Serialize(entry, Json), entry.User, _options.Value.AuditRetention, CancellationToken.None, provedNothing);
        }
        catch (DependencyUnavailableException)
        {
            LogNotStored(_logger, entry.Type, entry.User);
        }
    }

    /// <summary>The newest events, of everyone or of one user, newest first.</summary>
    public async ValueTask<IReadOnlyList<AuditEvent>> NewestAsync(string? user, int count, CancellationToken cancellation) =>
        (await _records.NewestAsync(user, count, cancellation)).Select(Parse).OfType<AuditEvent>().ToList();

    /// <summary>The newest <paramref name="limit"/> events (of one user, or of all), keeping those at or after <paramref name="since"/>.</summary>
    public async ValueTask<IReadOnlyList<AuditEvent>> QueryAsync(string? user, DateTimeOffset? since, int limit, CancellationToken cancellation) =>
        (await NewestAsync(user, limit, cancellation)).Where(e => since is null || e.Time >= since).ToList();

    public static AuditEvent? Parse(string entry)
    {
        try
        {
            return JsonSerializer.Deserialize<AuditEvent>(entry, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [LoggerMessage(EventId = LogEvents.AuditEvent, Level = LogLevel.Information,
        Message = "Audit {AuditType} user={User} outcome={Outcome} action={Action} package={Package} credential={Credential} client={Client}")]
    private static partial void LogEvent(ILogger logger, string auditType, string? user, string outcome, string? action, string? package, string? credential, string? client);

    [LoggerMessage(EventId = LogEvents.AuditEventNotStored, Level = LogLevel.Warning, Message = "Audit event {AuditType} of user {User} was logged but not stored: the store did not answer")]
    private static partial void LogNotStored(ILogger logger, string auditType, string? user);
}

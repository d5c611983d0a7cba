using System.Buffers;
using Gateway.Configuration;
using Gateway.Http;
using Gateway.Identity;
using Gateway.Store;
using Microsoft.Extensions.Options;

namespace Gateway.Staging;

/// <summary>
/// Staged publishes, for the endpoints that answer npm's stage API: receiving one as it streams in (checked, its tarball
/// chunked into the store), finding one (an expired one is gone, whether or not the sweep has removed it yet), its
/// tarball, its publish document rebuilt for the registry, and removing it. Memory stays flat whatever the tarball's size
/// (docs/ARCHITECTURE.md, "Staged publishes").
/// </summary>
internal sealed partial class StagedPublishes(StageRecords records, IOptions<StagingOptions> options, TimeProvider time, ILogger<StagedPublishes> logger)
{
    private const int ReadBuffer = 64 * 1024;

    private StagingOptions Options => options.Value;

    /// <summary>How long the store keeps a stage's keys: past <see cref="StagingOptions.MaxAge"/>, so the sweep finds the record to name in its audit event.</summary>
    public TimeSpan KeyLifetime => Options.MaxAge + TimeSpan.FromDays(1);

    /// <summary>The largest request body a stage can take: the tarball's base64 and the rest of the document.</summary>
    public long MaxBodyBytes => ((Options.MaxTarballBytes + 2) / 3 * 4) + Options.MaxDocumentBytes;

    /// <summary>A new stage id: a random UUID, as npm's CLI checks it.</summary>
    public static string NewId() => Guid.NewGuid().ToString("D");

    /// <summary>A stage id as a client names it (any hex case), or null when it is not a UUID.</summary>
    public static string? ParseId(string text) =>
        text.Length == 36 && Guid.TryParseExact(text, "D", out var id) ? id.ToString("D") : null;

    /// <summary>Whether another stage fits (<see cref="StagingOptions.MaxItems"/>).</summary>
    public async ValueTask<bool> HasRoomAsync(CancellationToken cancellation) => await records.CountAsync(cancellation) < Options.MaxItems;

    /// <summary>
    /// Reads a publish document from <paramref name="body"/> into the store under <paramref name="id"/> and checks it
    /// (<see cref="StagedDocument"/>); nothing of it stays in the store when it is refused or the body breaks off.
    /// </summary>
    public async Task<(StagedPublish Publish, ScannedBody Body)> ReceiveAsync(string id, Stream body, string package, CancellationToken cancellation)
    {
        var index = 0;
        using var scanner = new PublishBodyScanner(Options.MaxTarballBytes, Options.MaxDocumentBytes,
            chunk => records.WriteChunkAsync(id, index++, chunk, KeyLifetime, cancellation));
        var buffer = ArrayPool<byte>.Shared.Rent(ReadBuffer);
        try
        {
            int read;
            while ((read = await body.ReadAsync(buffer.AsMemory(0, ReadBuffer), cancellation)) > 0)
            {
                await scanner.WriteAsync(buffer.AsMemory(0, read));
            }

            var scanned = await scanner.FinishAsync();
            return (StagedDocument.Read(scanned, package), scanned);
        }
        catch
        {
            await DiscardAsync(id, index, null, null);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Keeps a received publish: claims its version (409 when another stage holds it), then writes and lists the record.</summary>
    public async Task<StageItem> KeepAsync(string id, StagedPublish publish, ScannedBody body, CallerIdentity stager, CancellationToken cancellation)
    {
        if (!await records.ClaimVersionAsync(publish.Package, publish.Version, id, KeyLifetime, cancellation)
            && !await ReclaimFromExpiredAsync(publish, id, cancellation))
        {
            await DiscardAsync(id, body.Chunks, null, null);
            throw new ClientInputException(StatusCodes.Status409Conflict, $"{publish.Package}@{publish.Version} is already staged.");
        }

        var now = time.GetUtcNow();
        var item = StageItem.For(id, publish, stager.Username, now);
        try
        {
            await records.SaveAsync(new StoredStage(id, publish.Package, publish.Version, stager.Username, now.ToUnixTimeMilliseconds(), item.ToJson(),
                body.Document, body.DataOffset, body.TarballLength, body.Chunks, stager.CredentialId), KeyLifetime, cancellation);
        }
        catch
        {
            await DiscardAsync(id, body.Chunks, publish.Package, publish.Version);
            throw;
        }

        return item;
    }

    /// <summary>Removes a received publish that is not kept after all (refused after it was read).</summary>
    public Task DiscardAsync(string id, ScannedBody body) => DiscardAsync(id, body.Chunks, null, null);

    /// <summary>
    /// A version held by an expired stage the sweep has not removed yet is free: its claim is released (only if that
    /// stage still holds it) and claimed again. A holder without a record is a stage still being written, and keeps it.
    /// </summary>
    private async Task<bool> ReclaimFromExpiredAsync(StagedPublish publish, string id, CancellationToken cancellation)
    {
        if (await records.VersionHolderAsync(publish.Package, publish.Version, cancellation) is not { } holder
            || await records.FindAsync(holder, cancellation, withDocument: false) is not { } held || !IsExpired(held))
        {
            return false;
        }

        await records.ReleaseVersionAsync(publish.Package, publish.Version, holder, cancellation);
        return await records.ClaimVersionAsync(publish.Package, publish.Version, id, KeyLifetime, cancellation);
    }

    /// <summary>The stage, or null when there is none or it is older than <see cref="StagingOptions.MaxAge"/> (the sweep removes it).</summary>
    /// <param name="withDocument">Also the publish document: only an approval sends it.</param>
    public async ValueTask<StoredStage?> FindAsync(string id, CancellationToken cancellation, bool withDocument = false) =>
        await records.FindAsync(id, cancellation, withDocument) is { } stage && !IsExpired(stage) ? stage : null;

    /// <summary>
    /// The versions of <paramref name="package"/> a live stage holds: one store command when there is none (the common
    /// case, and all a direct publish of the package pays), else a claim and a record read per claimed version. A claim
    /// without a record yet is a stage still being written, and holds its version; an expired stage holds none.
    /// </summary>
    public async ValueTask<IReadOnlyDictionary<string, string>> HeldVersionsAsync(string package, CancellationToken cancellation)
    {
        var held = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var version in await records.StagedVersionsAsync(package, cancellation))
        {
            if (await records.VersionHolderAsync(package, version, cancellation) is { } holder
                && (await records.FindAsync(holder, cancellation, withDocument: false) is not { } stage || !IsExpired(stage)))
            {
                held[version] = holder;
            }
        }

        return held;
    }

    /// <summary>Every live stage, newest first.</summary>
    public async IAsyncEnumerable<StoredStage> NewestFirstAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellation)
    {
        foreach (var id in await records.NewestFirstAsync(cancellation))
        {
            if (await FindAsync(id, cancellation) is { } stage)
            {
                yield return stage;
            }
        }
    }

    /// <summary>Writes the stage's tarball to <paramref name="destination"/>, one chunk at a time.</summary>
    public async Task CopyTarballAsync(StoredStage stage, Stream destination, CancellationToken cancellation)
    {
        for (var i = 0; i < stage.Chunks; i++)
        {
            using var chunk = await records.ReadChunkAsync(stage.Id, i, cancellation)
                ?? throw new InvalidOperationException($"Stage {stage.Id} lost its tarball chunk {i} (removed or expired meanwhile).");
            await destination.WriteAsync(chunk.Memory, cancellation);
        }
    }

    /// <summary>The stage's tarball to read from, one chunk in memory at a time (the caller disposes it).</summary>
    public Stream OpenTarball(StoredStage stage) => new StagedTarballStream(stage, records);

    /// <summary>The held publish document, as the registry's <c>PUT /&lt;name&gt;</c> body.</summary>
    public HttpContent PublishDocument(StoredStage stage) => new StagedDocumentContent(stage, records);

    /// <summary>Removes the stage; true for the one caller (on any instance) that removed it.</summary>
    public ValueTask<bool> RemoveAsync(StoredStage stage, CancellationToken cancellation) => records.RemoveAsync(stage.Id, stage, cancellation);

    /// <summary>
    /// Removes every stage older than <see cref="StagingOptions.MaxAge"/>, and returns those this instance removed (the
    /// record is null when its keys expired first, e.g. after a long outage).
    /// </summary>
    public async Task<IReadOnlyList<(string Id, StoredStage? Stage)>> ExpireAsync(CancellationToken cancellation)
    {
        var removed = new List<(string, StoredStage?)>();
        var cutoff = (time.GetUtcNow() - Options.MaxAge).ToUnixTimeMilliseconds();
        foreach (var id in await records.StagedBeforeAsync(cutoff, cancellation))
        {
            var stage = await records.FindAsync(id, cancellation, withDocument: false);
            if (await records.RemoveAsync(id, stage, cancellation))
            {
                removed.Add((id, stage));
            }
        }

        return removed;
    }

    private bool IsExpired(StoredStage stage) =>
        DateTimeOffset.FromUnixTimeMilliseconds(stage.StagedAtMs) + Options.MaxAge <= time.GetUtcNow();

    /// <summary>Best effort, and never instead of the refusal that caused it: what is left expires with its keys.</summary>
    private async Task DiscardAsync(string id, int chunks, string? package, string? version)
    {
        try
        {
            await records.DiscardAsync(id, chunks, package, version, CancellationToken.None);
        }
        catch (Resilience.DependencyUnavailableException)
        {
            LogNotDiscarded(logger, id);
        }
    }

    [LoggerMessage(EventId = LogEvents.StageDiscarded, Level = LogLevel.Warning, Message = "Stage {Id} was refused or interrupted and the store could not remove what it had written; its keys expire on their own")]
    private static partial void LogNotDiscarded(ILogger logger, string id);
}

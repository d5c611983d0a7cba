using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gateway.TwoFactor;

/// <summary>
/// What an approval page shows of a request's body, read when the request was challenged and recorded in its
/// flow (never read again at approval time): the package name, the versions a document carries (with their
/// tarball's shasum and integrity, and a deprecation message if any), its dist-tags, maintainers and attachment
/// names, or the JSON string a dist-tag change sends. Bounded: a few entries of each, each value cut short.
/// </summary>
/// <param name="Readable">False when the body could not be read as UTF-8 JSON the way the registry reads it.</param>
/// <param name="VersionCount">Every version key the body has (only the first few are in <paramref name="Versions"/>).</param>
/// <param name="Elided">Some value of interest was too long to show.</param>
public sealed record ApprovalSummary(
    bool Readable,
    string? Name = null,
    IReadOnlyList<VersionSummary>? Versions = null,
    int VersionCount = 0,
    IReadOnlyList<KeyValuePair<string, string>>? DistTags = null,
    IReadOnlyList<string>? Maintainers = null,
    IReadOnlyList<string>? Attachments = null,
    string? Value = null,
    bool Elided = false)
{
    public const int MaxEntries = 20;

    public const int MaxValueLength = 200;

    public static readonly ApprovalSummary Unreadable = new(Readable: false);

    public static readonly ApprovalSummary Empty = new(Readable: true);

    private static readonly JsonSerializerOptions Options = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public string ToJson() => JsonSerializer.Serialize(this, Options);

    /// <summary>The recorded summary; null for a flow that recorded none.</summary>
    public static ApprovalSummary? FromJson(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<ApprovalSummary>(json, Options);
        }
        catch (JsonException)
        {
            return Unreadable;
        }
    }
}

/// <param name="Deprecated">The version's <c>deprecated</c> message as sent (empty: un-deprecated); null when absent.</param>
public sealed record VersionSummary(string Version, string? Shasum = null, string? Integrity = null, string? Deprecated = null);

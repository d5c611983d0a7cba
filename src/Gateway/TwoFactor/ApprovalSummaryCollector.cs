using System.Text.Json;

namespace Gateway.TwoFactor;

/// <summary>
/// The tokens of one body, fed window by window (<see cref="ApprovalSummaryReader"/>): keeps the path of
/// containers and picks out what an approval page shows. Duplicate keys: the last one wins, as in the
/// registry's <c>JSON.parse</c>.
/// </summary>
internal sealed class ApprovalSummaryCollector
{
    private const string Elision = "(too long to show)";

    /// <summary>The names of the open containers from the root (the root's is null; an array element's "[]").</summary>
    private readonly List<string?> _containers = [];
    private readonly List<bool> _isArray = [];
    private readonly Dictionary<string, VersionSummary> _versions = new(StringComparer.Ordinal);
    private readonly List<string> _versionOrder = [];
    private readonly Dictionary<string, string> _distTags = new(StringComparer.Ordinal);
    private readonly List<string> _maintainers = [];
    private readonly List<string> _attachments = [];
    private string? _property;
    private string? _name;
    private string? _value;
    private int _versionCount;
    private bool _elideNext;
    private bool _elided;

    /// <summary>The next token is a value (after a key, in an array, or the root): a too-long one may be skipped.</summary>
    public bool ExpectsValue => _property is not null || _containers.Count == 0 || _isArray[^1];

    /// <summary>The next value was skipped as too long: it is recorded as such, if it is one the page shows.</summary>
    public void NextValueElided() => _elideNext = true;

    /// <returns>How many bytes of <paramref name="window"/> were consumed.</returns>
    public int Feed(ReadOnlySpan<byte> window, bool final, ref JsonReaderState state)
    {
        var reader = new Utf8JsonReader(window, final, state);
        while (reader.Read())
        {
            Visit(ref reader);
        }

        state = reader.CurrentState;
        return (int)reader.BytesConsumed;
    }

    public ApprovalSummary Result() => new(
        Readable: true,
        Name: _name,
        Versions: [.. _versionOrder.Select(v => _versions[v])],
        VersionCount: _versionCount,
        DistTags: [.. _distTags],
        Maintainers: _maintainers,
        Attachments: _attachments,
        Value: _value,
        Elided: _elided);

    private void Visit(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.PropertyName:
                _property = Cut(reader.GetString());
                OnKey(_property);
                break;
            case JsonTokenType.StartObject or JsonTokenType.StartArray:
                var inArray = _containers.Count > 0 && _isArray[^1];
                _containers.Add(_containers.Count == 0 ? null : inArray ? "[]" : _property);
                _isArray.Add(reader.TokenType == JsonTokenType.StartArray);
                _property = null;
                break;
            case JsonTokenType.EndObject or JsonTokenType.EndArray:
                _containers.RemoveAt(_containers.Count - 1);
                _isArray.RemoveAt(_isArray.Count - 1);
                _property = null;
                break;
            default:
                OnValue(reader.TokenType == JsonTokenType.String ? Cut(reader.GetString()) : null);
                _property = null;
                _elideNext = false;
                break;
        }
    }

    private void OnKey(string key)
    {
        if (At("versions"))
        {
            _versionCount++;
            if (!_versions.ContainsKey(key) && _versions.Count < ApprovalSummary.MaxEntries)
            {
                _versions[key] = new VersionSummary(key);
                _versionOrder.Add(key);
            }
        }
        else if (At("_attachments") && _attachments.Count < ApprovalSummary.MaxEntries)
        {
            _attachments.Add(key);
        }
    }

    private void OnValue(string? text)
    {
        var value = _elideNext ? Elision : text;
        var shown = true;
        if (_containers.Count == 0)
        {
            _value = value; // the whole body is one value: a dist-tag change's version
        }
        else if (At() && _property == "name")
        {
            _name = value;
        }
        else if (At("dist-tags") && value is not null && (_distTags.ContainsKey(_property!) || _distTags.Count < ApprovalSummary.MaxEntries))
        {
            _distTags[_property!] = value;
        }
        else if (InVersion(out var version) && _containers.Count == 3 && _property == "deprecated")
        {
            _versions[version] = _versions[version] with { Deprecated = value ?? "" };
        }
        else if (InVersion(out version) && _containers.Count == 4 && _containers[3] == "dist" && _property is "shasum" or "integrity")
        {
            _versions[version] = _property == "shasum" ? _versions[version] with { Shasum = value } : _versions[version] with { Integrity = value };
        }
        else if (value is not null && _maintainers.Count < ApprovalSummary.MaxEntries
            && ((At("maintainers", "[]") && _property == "name") || (At("maintainers") && _isArray[1])))
        {
            _maintainers.Add(value);
        }
        else
        {
            shown = false;
        }

        _elided |= shown && _elideNext;
    }

    /// <summary>The open containers below the root are exactly <paramref name="names"/>.</summary>
    private bool At(params string[] names)
    {
        if (_containers.Count != names.Length + 1)
        {
            return false;
        }

        for (var i = 0; i < names.Length; i++)
        {
            if (_containers[i + 1] != names[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Inside <c>versions.&lt;v&gt;</c> (at any depth) of a version that is recorded.</summary>
    private bool InVersion(out string version)
    {
        version = _containers.Count >= 3 && _containers[1] == "versions" && !_isArray[1] ? _containers[2] ?? "" : "";
        return version.Length > 0 && _versions.ContainsKey(version);
    }

    private static string Cut(string? text) =>
        text is null ? "" : text.Length <= ApprovalSummary.MaxValueLength ? text : text[..ApprovalSummary.MaxValueLength] + "…";
}

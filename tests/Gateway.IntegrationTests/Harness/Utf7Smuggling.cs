using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gateway.IntegrationTests.Harness;

/// <summary>
/// The UTF-7 smuggling attack on a JSON body: a document that, read as UTF-8, has only the keys
/// <c>visible</c> names, and whose last string, read as UTF-7 (as Express's body-parser does when
/// the Content-Type says <c>charset=utf-7</c>), closes early and adds <c>hidden</c>'s members.
/// In UTF-7 <c>+ACI-</c> is <c>"</c> and <c>+-</c> is <c>+</c>; everything else here is a direct character.
/// </summary>
internal static class Utf7Smuggling
{
    // The default encoder writes '+' as \u002B, which would hide the UTF-7 shift character itself.
    private static readonly JsonSerializerOptions Plain = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Body(JsonObject visible, string lastKey, string lastValue, JsonObject hidden)
    {
        var members = hidden.ToJsonString(Plain);
        var smuggled = lastValue + "\"," + members[1..^1] + ",\"zz\":\"";
        var utf7 = smuggled.Replace("+", "+-", StringComparison.Ordinal).Replace("\"", "+ACI-", StringComparison.Ordinal);
        var outer = visible.DeepClone().AsObject();
        outer[lastKey] = utf7;
        return outer.ToJsonString(Plain);
    }
}

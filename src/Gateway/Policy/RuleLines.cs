using System.Text;
using System.Text.Json;

namespace Gateway.Policy;

/// <summary>
/// The line each rule of a policy file starts on, so that every error names <c>file:line</c>: <see cref="JsonDocument"/>
/// keeps no positions, so the file's <c>"rules"</c> array is walked once more with a reader that does.
/// </summary>
internal static class RuleLines
{
    /// <returns>One line number (1-based) per element of the top-level <c>"rules"</c> array; empty if the text has none.</returns>
    public static IReadOnlyList<int> Of(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        var lines = new List<int>();
        var inRules = false;
        try
        {
            while (reader.Read())
            {
                if (!inRules)
                {
                    inRules = reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("rules")
                        && reader.Read() && reader.TokenType == JsonTokenType.StartArray;
                    continue;
                }

                if (reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.EndArray)
                {
                    break;
                }

                if (reader.CurrentDepth == 2)
                {
                    lines.Add(LineAt(bytes, reader.TokenStartIndex));
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            // The document parser reports the syntax error itself, with its own position.
        }

        return lines;
    }

    private static int LineAt(byte[] bytes, long offset) => bytes.AsSpan(0, (int)offset).Count((byte)'\n') + 1;
}

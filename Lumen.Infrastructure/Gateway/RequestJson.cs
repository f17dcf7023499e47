using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lumen.Infrastructure.Gateway;

/// <summary>A request body as every endpoint takes it (§15): UTF-8 text of one JSON object, or a 400 that says why not.</summary>
public static class RequestJson
{
    public static (JsonObject? Body, GatewayError? Problem) Parse(ReadOnlySpan<byte> body)
    {
        // JsonNode reads strings lazily, so text that is not UTF-8 would surface later as an exception: refuse it now.
        if (!System.Text.Unicode.Utf8.IsValid(body)) return (null, GatewayError.BadRequest("The request body is not valid UTF-8 text."));
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(body);
        }
        catch (JsonException e)
        {
            return (null, GatewayError.BadRequest($"The request body is not valid JSON: {e.Message}"));
        }
        if (node is not JsonObject o) return (null, GatewayError.BadRequest("The request body must be a JSON object."));
        return EscapesValidUnicode(body) ? (o, null)
            : (null, GatewayError.BadRequest("The request body holds text that is not valid Unicode (an escaped lone surrogate such as \\ud800)."));
    }

    /// <summary>
    /// Whether every escaped string and property name unescapes to valid UTF-16. JSON may escape a lone surrogate
    /// (<c>\ud800</c>), valid UTF-8 as bytes, that System.Text.Json refuses only once the string is read (a 500 by then,
    /// wherever that is) and no database stores: so any field, read or forwarded, is checked here once.
    /// </summary>
    private static bool EscapesValidUnicode(ReadOnlySpan<byte> body)
    {
        // Every surrogate escape starts with \ud or \uD: a body without one (nearly every call) needs no second read.
        if (body.IndexOf("\\ud"u8) < 0 && body.IndexOf("\\uD"u8) < 0) return true;
        var reader = new Utf8JsonReader(body);
        while (reader.Read())
        {
            if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName) || !reader.ValueIsEscaped) continue;
            try
            {
                reader.GetString();
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// The model <paramref name="body"/> names at its top level, read as far as the body is readable: the log row of a
    /// body refused after it named its model (of the wrong shape, malformed later on, not Unicode elsewhere) keeps that
    /// model. Null when the body names none that can be read.
    /// </summary>
    public static string? NamedModel(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isModel = reader.ValueTextEquals("model"u8);
                reader.Read();
                if (isModel) return reader.TokenType == JsonTokenType.String && reader.GetString() is { Length: > 0 } model ? model : null;
                reader.Skip();
            }
            return null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return null; // the body breaks off (or holds text that is not Unicode) before it names a model
        }
    }

    /// <summary>A string field, or null when it is absent or of another type.</summary>
    public static string? Text(JsonObject body, string name) =>
        body[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    /// <summary>The model a body names (a non-empty string), or a 400: the first thing every operation reads.</summary>
    public static (string? Model, GatewayError? Problem) Model(JsonObject body) =>
        Text(body, "model") is { Length: > 0 } model ? (model, null) : (null, WrongType("model", "a non-empty string"));

    /// <summary>A true/false field: false when absent, a 400 when of another type.</summary>
    public static (bool Value, GatewayError? Problem) Flag(JsonObject body, string name) => body[name] switch
    {
        null => (false, null),
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => (v.GetValue<bool>(), null),
        _ => (false, WrongType(name, "true or false")),
    };

    /// <summary>
    /// Null when each of <paramref name="names"/> is absent, null or a positive integer (token limits: <c>max_tokens</c>
    /// …), else the 400 naming the first that is not.
    /// </summary>
    public static GatewayError? PositiveIntegers(JsonObject body, params string[] names)
    {
        foreach (var name in names)
        {
            if (body[name] is null) continue;
            if (body[name] is not JsonValue v || v.GetValueKind() != JsonValueKind.Number || !v.TryGetValue<long>(out var n) || n < 1)
                return WrongType(name, "a positive integer");
        }
        return null;
    }

    /// <summary>
    /// The text of a message or input item's <c>content</c>: a string, or the text parts of an array of parts; absent or
    /// null is no text. Any other type is the 400 naming <paramref name="path"/> (<c>messages[0].content</c> …).
    /// </summary>
    public static (string Text, GatewayError? Problem) ContentText(JsonObject item, string path) => item["content"] switch
    {
        null => ("", null),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => (v.GetValue<string>(), null),
        JsonArray parts => (string.Concat(parts.Select(p => p is JsonObject part ? Text(part, "text") : null)), null),
        _ => ("", WrongType(path, "a string or an array of content parts")),
    };

    /// <summary>What to say when <paramref name="name"/> has the wrong type.</summary>
    public static GatewayError WrongType(string name, string expected) => GatewayError.BadRequest($"'{name}' must be {expected}.");
}

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
        return node is JsonObject o ? (o, null) : (null, GatewayError.BadRequest("The request body must be a JSON object."));
    }

    /// <summary>A string field, or null when it is absent or of another type.</summary>
    public static string? Text(JsonObject body, string name) =>
        body[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    /// <summary>A true/false field: false when absent, a 400 when of another type.</summary>
    public static (bool Value, GatewayError? Problem) Flag(JsonObject body, string name) => body[name] switch
    {
        null => (false, null),
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => (v.GetValue<bool>(), null),
        _ => (false, WrongType(name, "true or false")),
    };

    /// <summary>What to say when <paramref name="name"/> has the wrong type.</summary>
    public static GatewayError WrongType(string name, string expected) => GatewayError.BadRequest($"'{name}' must be {expected}.");

}

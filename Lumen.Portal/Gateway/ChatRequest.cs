using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lumen.Portal.Gateway;

/// <summary>A chat completion request as received: the whole body (forwarded upstream) and the parts we read.</summary>
internal sealed record ChatRequest(JsonObject Body, string Model, bool Stream, IReadOnlyList<(string Role, string Content)> Messages)
{
    /// <summary>The request, or a message saying what is wrong with it.</summary>
    public static async Task<(ChatRequest? Request, string? Problem)> ReadAsync(HttpRequest http, CancellationToken ct)
    {
        JsonNode? node;
        try
        {
            node = await JsonNode.ParseAsync(http.Body, cancellationToken: ct);
        }
        catch (JsonException e)
        {
            return (null, $"The request body is not valid JSON: {e.Message}");
        }
        if (node is not JsonObject body) return (null, "The request body must be a JSON object.");
        if (body["model"] is not JsonValue modelValue || !modelValue.TryGetValue<string>(out var model) || model.Length == 0)
            return (null, "'model' is required and must be a string.");
        if (body["messages"] is not JsonArray messages || messages.Count == 0)
            return (null, "'messages' is required and must be a non-empty array.");
        var stream = body["stream"] is JsonValue s && s.TryGetValue<bool>(out var flag) && flag;
        return (new ChatRequest(body, model, stream, messages.Select(Text).ToList()), null);
    }

    /// <summary>Role and text of a message; content may be a string or a list of parts (only text parts count).</summary>
    private static (string Role, string Content) Text(JsonNode? message)
    {
        var role = message?["role"]?.GetValueKind() == JsonValueKind.String ? message["role"]!.GetValue<string>() : "";
        var content = message?["content"];
        var text = content switch
        {
            JsonValue v when v.TryGetValue<string>(out var str) => str,
            JsonArray parts => string.Concat(parts.Select(p => p?["text"] is JsonValue t && t.TryGetValue<string>(out var s) ? s : "")),
            _ => "",
        };
        return (role, text);
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lumen.Infrastructure.Gateway.Chat;

/// <summary>A chat completion request (<c>POST /v1/chat/completions</c>): the body and the messages' texts.</summary>
public sealed class ChatRequest : ModelRequest
{
    private ChatRequest(JsonObject body, string model, bool stream, IReadOnlyList<(string Role, string Content)> messages)
        : base(body, model, stream) => Messages = messages;

    /// <summary>Role and text of each message (only text parts count).</summary>
    public IReadOnlyList<(string Role, string Content)> Messages { get; }

    public override string Operation => "chat";

    public override string UpstreamPath => "/chat/completions";

    /// <summary>A streamed answer is asked to end with its usage, so the charge is the upstream's own count.</summary>
    public override JsonObject UpstreamBody(string upstreamModel)
    {
        var body = base.UpstreamBody(upstreamModel);
        if (Stream) body["stream_options"] = new JsonObject { ["include_usage"] = true };
        return body;
    }

    // A few tokens of overhead per message, as chat formats have.
    public override long EstimatedInputTokens => Messages.Sum(m => TokenEstimate.Of(m.Content) + 3);

    public override string AnswerText(JsonNode? answer) => ContentOf(answer, "message");

    public override string DeltaText(JsonNode? data) => ContentOf(data, "delta");

    public override TokenUsage? ReadUsage(JsonNode? node) => ChatShapes.ReadUsage(node);

    /// <summary>The request, or a message saying what is wrong with it.</summary>
    public static async Task<(ChatRequest? Request, string? Problem)> ReadAsync(Stream body, CancellationToken ct)
    {
        JsonNode? node;
        try
        {
            node = await JsonNode.ParseAsync(body, cancellationToken: ct);
        }
        catch (JsonException e)
        {
            return (null, $"The request body is not valid JSON: {e.Message}");
        }
        return Parse(node);
    }

    public static (ChatRequest? Request, string? Problem) Parse(JsonNode? node)
    {
        if (node is not JsonObject body) return (null, "The request body must be a JSON object.");
        if (body["model"] is not JsonValue modelValue || !modelValue.TryGetValue<string>(out var model) || model.Length == 0)
            return (null, "'model' is required and must be a string.");
        if (body["messages"] is not JsonArray messages || messages.Count == 0)
            return (null, "'messages' is required and must be a non-empty array.");
        var texts = new List<(string, string)>(messages.Count);
        for (var i = 0; i < messages.Count; i++)
        {
            if (messages[i] is not JsonObject message) return (null, $"'messages[{i}]' must be an object.");
            texts.Add(Text(message));
        }
        var stream = body["stream"] is JsonValue s && s.TryGetValue<bool>(out var flag) && flag;
        return (new ChatRequest(body, model, stream, texts), null);
    }

    /// <summary>Role and text of a message; content may be a string or a list of parts (only text parts count).</summary>
    private static (string Role, string Content) Text(JsonObject message)
    {
        var role = message["role"] is JsonValue r && r.TryGetValue<string>(out var name) ? name : "";
        var text = message["content"] switch
        {
            JsonValue v when v.TryGetValue<string>(out var str) => str,
            JsonArray parts => string.Concat(parts.Select(p => p is JsonObject part && part["text"] is JsonValue t && t.TryGetValue<string>(out var s) ? s : "")),
            _ => "",
        };
        return (role, text);
    }

    private static string ContentOf(JsonNode? node, string part) =>
        node is JsonObject o && o["choices"] is JsonArray { Count: > 0 } choices && choices[0] is JsonObject choice
            && choice[part] is JsonObject inner && inner["content"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : "";
}

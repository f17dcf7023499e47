using System.Text.Json.Nodes;

namespace Lumen.Infrastructure.Gateway.Responses;

/// <summary>The JSON shapes of OpenAI's Responses API that the gateway writes itself, and where the text is in them.</summary>
internal static class ResponseShapes
{
    /// <summary>A response object: <c>in_progress</c> with no output yet, or <c>completed</c> with one message and usage.</summary>
    public static JsonObject Response(string id, long createdAt, string model, string? messageId, string? text, TokenUsage? usage) => new()
    {
        ["id"] = id,
        ["object"] = "response",
        ["created_at"] = createdAt,
        ["status"] = text is null ? "in_progress" : "completed",
        ["error"] = null,
        ["incomplete_details"] = null,
        ["instructions"] = null,
        ["max_output_tokens"] = null,
        ["model"] = model,
        ["output"] = text is null ? new JsonArray() : new JsonArray(Message(messageId!, text, "completed")),
        ["parallel_tool_calls"] = true,
        ["previous_response_id"] = null,
        ["reasoning"] = new JsonObject { ["effort"] = null, ["summary"] = null },
        ["store"] = false,
        ["temperature"] = 1.0,
        ["text"] = new JsonObject { ["format"] = new JsonObject { ["type"] = "text" } },
        ["tool_choice"] = "auto",
        ["tools"] = new JsonArray(),
        ["top_p"] = 1.0,
        ["truncation"] = "disabled",
        ["usage"] = usage is { } u ? Usage(u) : null,
        ["user"] = null,
        ["metadata"] = new JsonObject(),
    };

    public static JsonObject Message(string id, string? text, string status) => new()
    {
        ["type"] = "message",
        ["id"] = id,
        ["status"] = status,
        ["role"] = "assistant",
        ["content"] = text is null ? new JsonArray() : new JsonArray(Part(text)),
    };

    public static JsonObject Part(string text) => new() { ["type"] = "output_text", ["text"] = text, ["annotations"] = new JsonArray() };

    public static JsonObject Usage(TokenUsage usage) => new()
    {
        ["input_tokens"] = usage.Input,
        ["input_tokens_details"] = new JsonObject { ["cached_tokens"] = 0 },
        ["output_tokens"] = usage.Output,
        ["output_tokens_details"] = new JsonObject { ["reasoning_tokens"] = 0 },
        ["total_tokens"] = usage.Input + usage.Output,
    };
}

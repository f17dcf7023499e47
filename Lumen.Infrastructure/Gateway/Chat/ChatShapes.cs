using System.Text.Json.Nodes;

namespace Lumen.Infrastructure.Gateway.Chat;

/// <summary>The JSON shapes of OpenAI's chat API that the gateway writes itself, and where usage is in them.</summary>
public static class ChatShapes
{
    public static JsonObject Completion(string id, long created, string model, string content, long input, long output) => new()
    {
        ["id"] = id,
        ["object"] = "chat.completion",
        ["created"] = created,
        ["model"] = model,
        ["choices"] = new JsonArray(new JsonObject
        {
            ["index"] = 0,
            ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = content },
            ["finish_reason"] = "stop",
        }),
        ["usage"] = Usage(input, output),
    };

    /// <summary>A streamed chunk: a content delta, the final one (finish reason), or the usage chunk (no choices).</summary>
    public static JsonObject Chunk(string id, long created, string model, JsonObject? delta, string? finish = null, JsonObject? usage = null)
    {
        var chunk = new JsonObject
        {
            ["id"] = id,
            ["object"] = "chat.completion.chunk",
            ["created"] = created,
            ["model"] = model,
            ["choices"] = delta is null ? new JsonArray() : new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["delta"] = delta,
                ["finish_reason"] = finish,
            }),
        };
        if (usage is not null) chunk["usage"] = usage;
        return chunk;
    }

    public static JsonObject Usage(long input, long output) => new()
    {
        ["prompt_tokens"] = input,
        ["completion_tokens"] = output,
        ["total_tokens"] = input + output,
    };
}

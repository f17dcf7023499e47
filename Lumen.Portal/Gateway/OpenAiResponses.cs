using System.Text.Json;
using System.Text.Json.Nodes;
using Lumen.Infrastructure.Gateway;

namespace Lumen.Portal.Gateway;

/// <summary>The JSON shapes of OpenAI's chat API that the gateway writes itself.</summary>
internal static class OpenAiResponses
{
    public static async Task WriteErrorAsync(HttpResponse response, GatewayError error)
    {
        response.StatusCode = error.Status;
        await response.WriteAsJsonAsync(new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["message"] = error.Message,
                ["type"] = error.Type,
                ["param"] = null,
                ["code"] = error.Code,
            },
        });
    }

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

    public static JsonObject ModelList(IEnumerable<string> models, long created) => new()
    {
        ["object"] = "list",
        ["data"] = new JsonArray(models.Select(m => (JsonNode)new JsonObject
        {
            ["id"] = m,
            ["object"] = "model",
            ["created"] = created,
            ["owned_by"] = "lumen",
        }).ToArray()),
    };

    /// <summary>Reads <c>usage</c> from a completion or chunk, if it has one.</summary>
    public static (long Input, long Output)? ReadUsage(JsonNode? node) =>
        node?["usage"] is JsonObject usage && usage["prompt_tokens"] is JsonValue p && usage["completion_tokens"] is JsonValue c
            && p.TryGetValue<long>(out var input) && c.TryGetValue<long>(out var output)
            ? (input, output) : null;
}

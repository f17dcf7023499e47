using System.Buffers.Binary;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Lumen.Tests.Gateway;

/// <summary>
/// The fake upstream's well-behaved answers beyond chat: embeddings (<see cref="FakeUpstream.InputTokens"/> prompt
/// tokens, the vector <see cref="Vector"/>), legacy completions and responses (the fake's answer text and usage), whole
/// and streamed as OpenAI streams them.
/// </summary>
internal static class FakeOperations
{
    public static readonly float[] Vector = [0.25f, -0.5f, 0.75f];

    public static Task EmbeddingsAsync(HttpContext http, JsonObject body, string model)
    {
        var base64 = body["encoding_format"]?.GetValue<string>() == "base64";
        JsonNode embedding = base64 ? Base64(Vector) : new JsonArray([.. Vector.Select(v => (JsonNode)v)]);
        return http.Response.WriteAsJsonAsync(new JsonObject
        {
            ["object"] = "list",
            ["data"] = new JsonArray(new JsonObject { ["object"] = "embedding", ["index"] = 0, ["embedding"] = embedding }),
            ["model"] = model,
            ["usage"] = new JsonObject { ["prompt_tokens"] = FakeUpstream.InputTokens, ["total_tokens"] = FakeUpstream.InputTokens },
        });
    }

    public static async Task CompletionsAsync(HttpContext http, JsonObject body, string model, bool stream)
    {
        if (!stream)
        {
            var answer = Completion(model, FakeUpstream.Answer, "stop");
            answer["usage"] = FakeUpstream.Usage();
            await http.Response.WriteAsJsonAsync(answer);
            return;
        }
        http.Response.ContentType = "text/event-stream";
        foreach (var piece in FakeUpstream.Pieces) await FakeUpstream.SendAsync(http, Completion(model, piece, null));
        if (body["stream_options"]?["include_usage"]?.GetValue<bool>() == true)
        {
            var usage = Completion(model, null, null);
            usage["usage"] = FakeUpstream.Usage();
            await FakeUpstream.SendAsync(http, usage);
        }
        await http.Response.WriteAsync("data: [DONE]\n\n");
    }

    public static async Task ResponsesAsync(HttpContext http, string model, bool stream)
    {
        if (!stream)
        {
            await http.Response.WriteAsJsonAsync(Response(model, FakeUpstream.Answer));
            return;
        }
        http.Response.ContentType = "text/event-stream";
        await EventAsync(http, "response.created", new JsonObject { ["response"] = Response(model, null) });
        foreach (var piece in FakeUpstream.Pieces)
            await EventAsync(http, "response.output_text.delta", new JsonObject { ["item_id"] = "msg_1", ["output_index"] = 0, ["content_index"] = 0, ["delta"] = piece });
        await EventAsync(http, "response.completed", new JsonObject { ["response"] = Response(model, FakeUpstream.Answer) });
    }

    private static JsonObject Completion(string model, string? text, string? finish) => new()
    {
        ["id"] = "cmpl-fake",
        ["object"] = "text_completion",
        ["created"] = 1_700_000_000,
        ["model"] = model,
        ["choices"] = text is null ? new JsonArray()
            : new JsonArray(new JsonObject { ["text"] = text, ["index"] = 0, ["logprobs"] = null, ["finish_reason"] = finish }),
    };

    private static JsonObject Response(string model, string? text) => new()
    {
        ["id"] = "resp_fake",
        ["object"] = "response",
        ["created_at"] = 1_700_000_000,
        ["status"] = text is null ? "in_progress" : "completed",
        ["model"] = model,
        ["output"] = text is null ? new JsonArray() : new JsonArray(new JsonObject
        {
            ["type"] = "message", ["id"] = "msg_1", ["status"] = "completed", ["role"] = "assistant",
            ["content"] = new JsonArray(new JsonObject { ["type"] = "output_text", ["text"] = text, ["annotations"] = new JsonArray() }),
        }),
        ["usage"] = text is null ? null : new JsonObject
        {
            ["input_tokens"] = FakeUpstream.InputTokens, ["output_tokens"] = FakeUpstream.OutputTokens,
            ["total_tokens"] = FakeUpstream.InputTokens + FakeUpstream.OutputTokens,
        },
    };

    private static async Task EventAsync(HttpContext http, string type, JsonObject data)
    {
        data["type"] = type;
        await http.Response.WriteAsync($"event: {type}\ndata: {data.ToJsonString()}\n\n");
        await http.Response.Body.FlushAsync();
    }

    private static string Base64(float[] vector)
    {
        var bytes = new byte[vector.Length * 4];
        for (var i = 0; i < vector.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), vector[i]);
        return Convert.ToBase64String(bytes);
    }
}

using System.Collections.Concurrent;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Lumen.Tests.Gateway;

/// <summary>
/// An OpenAI-compatible model server on a loopback port: a real HTTP server, so the gateway's HttpClient, sockets and
/// streaming are exercised as in production. Each endpoint is <c>{BaseUrl}/{tag}/v1</c>; the tag's first word picks
/// the behaviour (<c>normal</c>, <c>slow</c>, <c>fail</c>, <c>drop</c>), the rest tells endpoints apart
/// (<c>normal-a</c>, <c>normal-b</c>). Every answer has the same text and <see cref="InputTokens"/>/<see cref="OutputTokens"/>.
/// A <c>drop</c> stream sends a few chunks, then cuts the connection when the test calls <see cref="Drop"/>: a cut right
/// after writing could discard chunks not yet on the wire, so the test first sees them arrive.
/// </summary>
public sealed class FakeUpstream : IAsyncDisposable
{
    public const string Answer = "Hello from the fake upstream, one piece at a time.";
    public const long InputTokens = 100;
    public const long OutputTokens = 20;

    /// <summary>How long a <c>slow</c> non-streamed answer takes; longer than the gateway's timeout in tests.</summary>
    public static readonly TimeSpan SlowAnswer = TimeSpan.FromSeconds(10);

    /// <summary>The pause between chunks of a <c>slow</c> stream.</summary>
    public static readonly TimeSpan SlowChunk = TimeSpan.FromMilliseconds(150);

    private WebApplication _app = null!;
    private readonly ConcurrentQueue<Received> _received = new();
    private readonly SemaphoreSlim _drop = new(0);

    private FakeUpstream()
    {
    }

    public string BaseUrl { get; private set; } = "";

    /// <summary>Every request that arrived, in order: which endpoint tag, and the body as sent by the gateway.</summary>
    public IReadOnlyList<Received> Requests => [.. _received];

    public static async Task<FakeUpstream> StartAsync()
    {
        var upstream = new FakeUpstream();
        (upstream._app, upstream.BaseUrl) = await LoopbackApp.StartAsync(app => app.MapPost("/{tag}/v1/{**path}", upstream.HandleAsync));
        return upstream;
    }

    public string Endpoint(string tag) => $"{BaseUrl}/{tag}/v1";

    /// <summary>Lets the <c>drop</c> stream in progress cut its connection.</summary>
    public void Drop() => _drop.Release();

    /// <summary>The pieces a stream is sent in: words with their following space.</summary>
    public static IReadOnlyList<string> Pieces { get; } = Split(Answer);

    private static List<string> Split(string text)
    {
        var words = text.Split(' ');
        return [.. words.Select((w, i) => i < words.Length - 1 ? w + " " : w)];
    }

    private async Task HandleAsync(HttpContext http, string tag, string path)
    {
        var body = (JsonObject)(await JsonNode.ParseAsync(http.Request.Body))!;
        _received.Enqueue(new Received(tag, body));
        var words = tag.Split('-');
        var mode = words[0];
        var flavor = words.Length > 1 ? words[1] : "";
        var stream = body["stream"]?.GetValue<bool>() == true;
        var model = body["model"]!.GetValue<string>();
        var ct = http.RequestAborted;
        if (await MisbehaveAsync(http, mode, flavor, stream, model)) return;
        switch (path)
        {
            case "embeddings":
                await FakeOperations.EmbeddingsAsync(http, body, model);
                return;
            case "completions":
                await FakeOperations.CompletionsAsync(http, body, model, stream);
                return;
            case "responses":
                await FakeOperations.ResponsesAsync(http, model, stream);
                return;
            case not "chat/completions":
                http.Response.StatusCode = 404;
                return;
        }
        switch (mode)
        {
            case "fail":
                http.Response.StatusCode = 500;
                await http.Response.WriteAsJsonAsync(new { error = new { message = "the fake upstream failed", type = "server_error" } }, ct);
                return;
            case "slow" when !stream:
                await Task.Delay(SlowAnswer, ct);
                break;
        }
        if (!stream)
        {
            await http.Response.WriteAsJsonAsync(Completion(model), ct);
            return;
        }

        http.Response.ContentType = "text/event-stream";
        await SendAsync(http, Chunk(model, new JsonObject { ["role"] = "assistant", ["content"] = "" }));
        for (var i = 0; i < Pieces.Count; i++)
        {
            if (mode == "drop" && i == 3)
            {
                // Cut the connection mid-stream, as a crashing model server would: no [DONE], no usage.
                await _drop.WaitAsync(TimeSpan.FromSeconds(10), ct);
                http.Abort();
                return;
            }
            if (mode == "slow") await Task.Delay(SlowChunk, ct);
            await SendAsync(http, Chunk(model, new JsonObject { ["content"] = Pieces[i] }));
        }
        await SendAsync(http, Chunk(model, new JsonObject(), "stop"));
        if (body["stream_options"]?["include_usage"]?.GetValue<bool>() == true)
        {
            var usage = Chunk(model, null);
            usage["usage"] = Usage();
            await SendAsync(http, usage);
        }
        await http.Response.WriteAsync("data: [DONE]\n\n", ct);
    }

    /// <summary>
    /// The misbehaviours of §15, by tag: <c>stall-headers|body|stream|trickle|reject</c>, <c>garbage</c>,
    /// <c>liar-negative|fraction|huge|text</c>, <c>busy</c> (429 with <c>Retry-After: 7</c>), <c>huge</c> (an answer of
    /// <see cref="HugeBytes"/>), <c>reject</c> (400 with a message), <c>noroute</c> (404), <c>locked</c> (401), <c>ragged</c>
    /// (a good stream in awkward pieces).
    /// Returns false for the well-behaved modes.
    /// </summary>
    private static async Task<bool> MisbehaveAsync(HttpContext http, string mode, string flavor, bool stream, string model)
    {
        var ct = http.RequestAborted;
        switch (mode, flavor)
        {
            case ("stall", "headers"):
                await Task.Delay(Stall, ct);
                return true;
            case ("stall", "body"):
                http.Response.ContentType = "application/json";
                await http.Response.WriteAsync("{\"id\":\"fake-1\",", ct);
                await http.Response.Body.FlushAsync(ct);
                await Task.Delay(Stall, ct);
                return true;
            case ("stall", "stream" or "trickle"):
                http.Response.ContentType = "text/event-stream";
                await SendAsync(http, Chunk(model, new JsonObject { ["role"] = "assistant", ["content"] = "" }));
                await SendAsync(http, Chunk(model, new JsonObject { ["content"] = Pieces[0] }));
                for (var i = 0; flavor == "trickle" && i < 100; i++)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
                    await SendAsync(http, Chunk(model, new JsonObject { ["content"] = "more " }));
                }
                await Task.Delay(Stall, ct);
                return true;
            case ("stall", "reject"):
                http.Response.StatusCode = 400;
                http.Response.ContentType = "application/json";
                await http.Response.WriteAsync("{\"error\":", ct);
                await http.Response.Body.FlushAsync(ct);
                await Task.Delay(Stall, ct);
                return true;
            case ("garbage", _):
                http.Response.ContentType = stream ? "text/event-stream" : "application/json";
                await http.Response.WriteAsync(stream ? "data: <html>oops</html>\n\n" : "<html>oops</html>", ct);
                return true;
            case ("liar", _):
                JsonNode prompt = flavor switch { "negative" => -5, "fraction" => 12.5, "huge" => 2_000_000_000L, _ => "12" };
                var usage = new JsonObject { ["prompt_tokens"] = prompt, ["completion_tokens"] = OutputTokens };
                if (!stream)
                {
                    var answer = Completion(model);
                    answer["usage"] = usage;
                    await http.Response.WriteAsJsonAsync(answer, ct);
                    return true;
                }
                http.Response.ContentType = "text/event-stream";
                await SendAsync(http, Chunk(model, new JsonObject { ["role"] = "assistant", ["content"] = Answer }));
                var last = Chunk(model, null);
                last["usage"] = usage;
                await SendAsync(http, last);
                await http.Response.WriteAsync("data: [DONE]\n\n", ct);
                return true;
            case ("ragged", _):
                http.Response.ContentType = "text/event-stream";
                var ragged = Encoding.UTF8.GetBytes(RaggedStream(model));
                // Seven bytes a write, with pauses: events, lines and characters all arrive cut in two.
                for (var at = 0; at < ragged.Length; at += 7)
                {
                    await http.Response.Body.WriteAsync(ragged.AsMemory(at, Math.Min(7, ragged.Length - at)), ct);
                    await http.Response.Body.FlushAsync(ct);
                    if (at % 91 == 0) await Task.Delay(2, ct);
                }
                return true;
            case ("busy", _):
                http.Response.StatusCode = 429;
                http.Response.Headers.RetryAfter = "7";
                await http.Response.WriteAsJsonAsync(new { error = new { message = "slow down, from 10.1.2.3:8000", type = "rate_limit" } }, ct);
                return true;
            case ("huge", _):
                http.Response.ContentType = stream ? "text/event-stream" : "application/json";
                var filler = new string('x', 1000);
                if (!stream) await http.Response.WriteAsync("{\"id\":\"fake-1\",\"filler\":\"", ct);
                for (var sent = 0L; sent < HugeBytes; sent += filler.Length)
                    await http.Response.WriteAsync(stream ? "data: " + Chunk(model, new JsonObject { ["content"] = filler }).ToJsonString() + "\n\n" : filler, ct);
                if (!stream) await http.Response.WriteAsync("\"}", ct);
                return true;
            case ("reject", _):
                http.Response.StatusCode = 400;
                await http.Response.WriteAsJsonAsync(new { error = new { message = RejectMessage, type = "invalid_request_error" } }, ct);
                return true;
            case ("noroute", _):
                http.Response.StatusCode = 404;
                return true;
            case ("locked", _):
                http.Response.StatusCode = 401;
                await http.Response.WriteAsJsonAsync(new { error = new { message = "bad key sk-upstream-secret" } }, ct);
                return true;
            default:
                return false;
        }
    }

    /// <summary>The tags of the misbehaving endpoints; the test config has a model of each name.</summary>
    public static readonly string[] Misbehaviours =
    [
        "stall-headers", "stall-body", "stall-stream", "stall-trickle", "stall-reject", "garbage", "liar-negative", "liar-fraction",
        "liar-huge", "liar-text", "busy", "huge", "reject", "noroute", "locked",
    ];

    /// <summary>The text a <c>ragged</c> stream carries, piece by piece: characters of two and four bytes, and escapes.</summary>
    public static readonly string[] RaggedPieces = ["Grüße ", "aus ", "Köln ", "😀 ", "\"quoted\"", "\n"];

    /// <summary>
    /// A <c>ragged</c> stream: well formed, with usage, but with CRLF line ends, its text unescaped where JSON allows,
    /// and a last line (<c>[DONE]</c>) with no line break at all.
    /// </summary>
    private static string RaggedStream(string model)
    {
        var relaxed = new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        var text = new StringBuilder();
        foreach (var piece in RaggedPieces)
            text.Append("data: ").Append(Chunk(model, new JsonObject { ["content"] = piece }).ToJsonString(relaxed)).Append("\r\n\r\n");
        var last = Chunk(model, null);
        last["usage"] = Usage();
        return text.Append(": a comment line\r\ndata: ").Append(last.ToJsonString()).Append("\r\n\r\ndata: [DONE]").ToString();
    }

    /// <summary>How long a stalling endpoint stays silent: far beyond the gateway's bounds in tests.</summary>
    public static readonly TimeSpan Stall = TimeSpan.FromSeconds(15);

    /// <summary>The size of a <c>huge</c> answer: over the tests' cap (see <see cref="GatewayHost"/>).</summary>
    public const long HugeBytes = 200_000;

    public const string RejectMessage = "This model's maximum context length is 8192 tokens.";

    private static JsonObject Completion(string model) => new()
    {
        ["id"] = "fake-1",
        ["object"] = "chat.completion",
        ["created"] = 1_700_000_000,
        ["model"] = model,
        ["choices"] = new JsonArray(new JsonObject
        {
            ["index"] = 0,
            ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = Answer },
            ["finish_reason"] = "stop",
        }),
        ["usage"] = Usage(),
    };

    internal static async Task SendAsync(HttpContext http, JsonObject chunk)
    {
        await http.Response.WriteAsync("data: " + chunk.ToJsonString() + "\n\n", http.RequestAborted);
        await http.Response.Body.FlushAsync(http.RequestAborted);
    }

    private static JsonObject Chunk(string model, JsonObject? delta, string? finish = null) => new()
    {
        ["id"] = "fake-1",
        ["object"] = "chat.completion.chunk",
        ["created"] = 1_700_000_000,
        ["model"] = model,
        ["choices"] = delta is null ? new JsonArray() : new JsonArray(new JsonObject
        {
            ["index"] = 0,
            ["delta"] = delta,
            ["finish_reason"] = finish,
        }),
    };

    internal static JsonObject Usage() => new()
    {
        ["prompt_tokens"] = InputTokens,
        ["completion_tokens"] = OutputTokens,
        ["total_tokens"] = InputTokens + OutputTokens,
    };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _drop.Dispose();
    }

    public sealed record Received(string Tag, JsonObject Body);
}

using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

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

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Received> _received = new();
    private readonly SemaphoreSlim _drop = new(0);

    private FakeUpstream(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    /// <summary>Every request that arrived, in order: which endpoint tag, and the body as sent by the gateway.</summary>
    public IReadOnlyList<Received> Requests => [.. _received];

    public static async Task<FakeUpstream> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var upstream = new FakeUpstream(app);
        app.MapPost("/{tag}/v1/chat/completions", upstream.HandleAsync);
        await app.StartAsync();
        upstream.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!
            .Addresses.Single().TrimEnd('/');
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

    private async Task HandleAsync(HttpContext http, string tag)
    {
        var body = (JsonObject)(await JsonNode.ParseAsync(http.Request.Body))!;
        _received.Enqueue(new Received(tag, body));
        var mode = tag.Split('-')[0];
        var stream = body["stream"]?.GetValue<bool>() == true;
        var model = body["model"]!.GetValue<string>();
        var ct = http.RequestAborted;
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
            await http.Response.WriteAsJsonAsync(new JsonObject
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
            }, ct);
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

    private static async Task SendAsync(HttpContext http, JsonObject chunk)
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

    private static JsonObject Usage() => new()
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

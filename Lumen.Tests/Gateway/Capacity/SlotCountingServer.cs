using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Lumen.Tests.Gateway.Capacity;

/// <summary>
/// A model server on a loopback port that counts its calls in flight, as a GPU server's slots would: a call counts from
/// its arrival until just before its answer's first (and last) byte is written. It keeps the most it ever had at once and
/// the order calls arrived in (each call's tag is its first message's text). Answers take <see cref="AnswerTime"/>, once
/// the gate is open: a test closes it to hold every call in flight.
/// </summary>
public sealed class SlotCountingServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _arrivals = new();
    private WebApplication _app = null!;
    private TaskCompletionSource _gate = Opened();
    private int _inFlight;
    private int _most;
    private int _stopped;

    public string BaseUrl { get; private set; } = "";

    /// <summary>The URL for the config: the base of its /v1 paths.</summary>
    public string Url => $"{BaseUrl}/v1";

    public TimeSpan AnswerTime { get; set; } = TimeSpan.FromMilliseconds(200);

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>The most calls it ever had in flight at once.</summary>
    public int Most => Volatile.Read(ref _most);

    /// <summary>The calls' tags in the order they arrived.</summary>
    public IReadOnlyList<string> Arrivals => [.. _arrivals];

    public static async Task<SlotCountingServer> StartAsync()
    {
        var server = new SlotCountingServer();
        (server._app, server.BaseUrl) = await LoopbackApp.StartAsync(app =>
        {
            app.MapGet("/v1/models", () => Results.Json(new { @object = "list", data = new[] { new { id = "counted", @object = "model" } } }));
            app.MapPost("/v1/chat/completions", (Func<HttpContext, Task<IResult>>)server.CallAsync);
        });
        return server;
    }

    /// <summary>Holds every call (arrived or arriving) until <see cref="Open"/>.</summary>
    public void Close() => Interlocked.CompareExchange(ref _gate, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), _gate);

    public void Open() => _gate.TrySetResult();

    private async Task<IResult> CallAsync(HttpContext http)
    {
        using var body = await JsonDocument.ParseAsync(http.Request.Body);
        var tag = body.RootElement.GetProperty("messages")[0].GetProperty("content").GetString() ?? "";
        var now = Interlocked.Increment(ref _inFlight);
        InterlockedMax(now);
        _arrivals.Enqueue(tag);
        try
        {
            await _gate.Task.WaitAsync(http.RequestAborted);
            await Task.Delay(AnswerTime, http.RequestAborted);
        }
        finally
        {
            // Before the answer's bytes: by the time the gateway reads its end, the slot here is free.
            Interlocked.Decrement(ref _inFlight);
        }
        return Results.Json(new
        {
            id = "counted-1", @object = "chat.completion", created = 1_700_000_000, model = "counted",
            choices = new[] { new { index = 0, message = new { role = "assistant", content = "hi" }, finish_reason = "stop" } },
            usage = new { prompt_tokens = 3, completion_tokens = 1, total_tokens = 4 },
        });
    }

    private void InterlockedMax(int value)
    {
        var most = Volatile.Read(ref _most);
        while (value > most)
        {
            var seen = Interlocked.CompareExchange(ref _most, value, most);
            if (seen == most) return;
            most = seen;
        }
    }

    private static TaskCompletionSource Opened()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gate.SetResult();
        return gate;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1) return;
        Open();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Lumen.Tests.Gateway.Endpoints;

/// <summary>
/// Model servers on a loopback port, one per tag at <c>{BaseUrl}/{tag}/v1</c>, whose answers a test sets as it goes:
/// the status of a call (<see cref="CallStatus"/>, 200 with a completion by default) and of the health probe
/// <c>GET /models</c> (<see cref="ProbeStatus"/>, 200 with a model list by default). Every request is recorded with
/// its method and <c>Authorization</c> header. A real HTTP server, so the gateway's sockets and pool are exercised.
/// </summary>
public sealed class FakeModelServer : IAsyncDisposable
{
    private WebApplication _app = null!;
    private readonly ConcurrentQueue<Hit> _hits = new();
    private int _stopped;


    public string BaseUrl { get; private set; } = "";

    public ConcurrentDictionary<string, int> CallStatus { get; } = new();
    public ConcurrentDictionary<string, int> ProbeStatus { get; } = new();

    public static async Task<FakeModelServer> StartAsync()
    {
        var server = new FakeModelServer();
        (server._app, server.BaseUrl) = await LoopbackApp.StartAsync(app =>
        {
            app.MapGet("/{tag}/v1/models", server.Probe);
            app.MapPost("/{tag}/v1/chat/completions", server.CallAsync);
        });
        return server;
    }

    public string Endpoint(string tag) => $"{BaseUrl}/{tag}/v1";

    /// <summary>The calls (POSTs) that reached the tag's endpoint.</summary>
    public int Calls(string tag) => _hits.Count(h => h.Tag == tag && h.Method == "POST");

    /// <summary>The probes (GETs) that reached the tag's endpoint.</summary>
    public IReadOnlyList<Hit> Probes(string tag) => [.. _hits.Where(h => h.Tag == tag && h.Method == "GET")];

    /// <summary>A loopback URL where nothing listens: connections to it are refused.</summary>
    public static string Refusing()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        var port = ((IPEndPoint)socket.LocalEndpoint).Port;
        socket.Stop();
        return $"http://127.0.0.1:{port}/v1";
    }

    private IResult Probe(HttpContext http, string tag)
    {
        _hits.Enqueue(new Hit(tag, "GET", http.Request.Headers.Authorization.ToString()));
        var status = ProbeStatus.GetValueOrDefault(tag, 200);
        return status == 200 ? Results.Json(new { @object = "list", data = new[] { new { id = tag, @object = "model" } } }) : Results.StatusCode(status);
    }

    private async Task<IResult> CallAsync(HttpContext http, string tag)
    {
        _hits.Enqueue(new Hit(tag, "POST", http.Request.Headers.Authorization.ToString()));
        await http.Request.Body.CopyToAsync(Stream.Null);
        var status = CallStatus.GetValueOrDefault(tag, 200);
        if (status != 200) return Results.Json(new { error = new { message = $"fake {status}" } }, statusCode: status);
        return Results.Json(new
        {
            id = "fake-1", @object = "chat.completion", created = 1_700_000_000, model = tag,
            choices = new[] { new { index = 0, message = new { role = "assistant", content = "hello" }, finish_reason = "stop" } },
            usage = new { prompt_tokens = 3, completion_tokens = 1, total_tokens = 4 },
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1) return;
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public sealed record Hit(string Tag, string Method, string Authorization);
}

using System.Net.Http.Headers;
using System.Text;

// A minimal OpenAI-compatible upstream for the load runs in bench/gateway-load.sh: a fixed small completion with
// usage, and a model list. It drains the request body (as a real server reads it) but does no other work, so that
// what a run measures is the caller. Every call needs "Authorization: Bearer …" (any value), as a real endpoint
// would; without one it answers 401.
//   --delay-ms N       answer each completion after N ms, as a model that takes time to generate would
//   --forward-to URL   be a bare pass-through proxy instead: send each completion to URL/v1/chat/completions and copy
//                      the answer back, with no other work (the ceiling for any proxy on the same machine)
//   --huge-mb N        answer every completion with about N MB of text, chunked (no Content-Length), as a whole JSON
//                      answer or, when the request streams, as server-sent events: an answer over any sane cap
//   --stream-chunks N  a request with "stream": true is answered as server-sent events: N content chunks (default 50),
//   --stream-gap-ms G  the first at once, then one every G ms (default 100), as a model generating tokens would; then
//                      the usage chunk (12 prompt tokens, N completion tokens) and [DONE] (bench/stream-load.sh)
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
// A listen queue as deep as the kernel allows (net.core.somaxconn), not Kestrel's 512: thousands of streams opened at
// once (bench/stream-load.sh) would otherwise overflow it, and each dropped SYN costs its caller a 1 s retransmit, which
// the bench would count against the caller, direct or the gateway.
builder.WebHost.UseSockets(sockets => sockets.Backlog = 65535);
var app = builder.Build();
var delay = TimeSpan.FromMilliseconds(app.Configuration.GetValue("delay-ms", 0));
var forwardTo = app.Configuration.GetValue<string>("forward-to");

var completion = Encoding.UTF8.GetBytes("""
    {"id":"chatcmpl-bench","object":"chat.completion","created":1700000000,"model":"bench-upstream","choices":[{"index":0,"message":{"role":"assistant","content":"Hello from the bench upstream."},"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":8,"total_tokens":20}}
    """);
var models = Encoding.UTF8.GetBytes("""
    {"object":"list","data":[{"id":"bench-upstream","object":"model","created":1700000000,"owned_by":"bench"}]}
    """);
var unauthorized = Encoding.UTF8.GetBytes("""
    {"error":{"message":"Missing bearer token.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}
    """);

var hugeMb = app.Configuration.GetValue("huge-mb", 0);
var streamChunks = app.Configuration.GetValue("stream-chunks", 50);
var streamGap = TimeSpan.FromMilliseconds(app.Configuration.GetValue("stream-gap-ms", 100));
// Encoded once: thousands of open streams then cost a timer and a write per chunk, not a serialisation.
var contentChunk = Encoding.UTF8.GetBytes("""
    data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1700000000,"model":"bench-upstream","choices":[{"index":0,"delta":{"content":"tok "},"finish_reason":null}]}


    """);
// Sent whether or not the request asked for stream_options.include_usage: the gateway always asks, and a direct run
// then sees the same bytes.
var usageAndDone = Encoding.UTF8.GetBytes($$$"""
    data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1700000000,"model":"bench-upstream","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":{{{streamChunks}}},"total_tokens":{{{12 + streamChunks}}}}}

    data: [DONE]


    """);

if (hugeMb > 0)
{
    var filler = new string('x', 64 * 1024);
    app.MapPost("/v1/chat/completions", async (HttpContext http) =>
    {
        var stream = (await System.Text.Json.JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted))
            .RootElement.TryGetProperty("stream", out var s) && s.ValueKind == System.Text.Json.JsonValueKind.True;
        http.Response.ContentType = stream ? "text/event-stream" : "application/json";
        var pieces = hugeMb * 16;
        if (!stream) await http.Response.WriteAsync("""{"id":"chatcmpl-huge","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":" """, http.RequestAborted);
        for (var i = 0; i < pieces; i++)
        {
            await http.Response.WriteAsync(stream
                ? $"data: {{\"id\":\"chatcmpl-huge\",\"object\":\"chat.completion.chunk\",\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"{filler}\"}}}}]}}\n\n"
                : filler, http.RequestAborted);
        }
        if (!stream) await http.Response.WriteAsync("\"},\"finish_reason\":\"stop\"}]}", http.RequestAborted);
    });
}
else if (forwardTo is null)
{
    app.MapPost("/v1/chat/completions", async (HttpContext http) =>
    {
        if (await AsksForStreamAsync(http.Request))
        {
            await StreamAsync(http);
            return;
        }
        if (delay > TimeSpan.Zero) await Task.Delay(delay, http.RequestAborted);
        await WriteAsync(http, completion);
    });
}
else
{
    var client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
    var target = new Uri(new Uri(forwardTo.TrimEnd('/') + "/"), "v1/chat/completions");
    app.MapPost("/v1/chat/completions", async (HttpContext http) =>
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new StreamContent(http.Request.Body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "sk-bench");
        using var response = await client.SendAsync(request, http.RequestAborted);
        var body = await response.Content.ReadAsByteArrayAsync(http.RequestAborted);
        http.Response.StatusCode = (int)response.StatusCode;
        http.Response.ContentType = "application/json";
        http.Response.ContentLength = body.Length;
        await http.Response.Body.WriteAsync(body, http.RequestAborted);
    });
}
app.MapGet("/v1/models", (HttpContext http) => WriteAsync(http, models));

await app.RunAsync();

// Reads the whole body (as before, draining it) and looks for a top-level "stream": true with a reader that allocates
// nothing, so whole answers keep their cost in the gateway bench's direct runs.
static async Task<bool> AsksForStreamAsync(HttpRequest request)
{
    var reader = request.BodyReader;
    while (true)
    {
        var read = await reader.ReadAsync(request.HttpContext.RequestAborted);
        if (!read.IsCompleted)
        {
            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
            continue;
        }
        var stream = HasStreamTrue(read.Buffer);
        reader.AdvanceTo(read.Buffer.End);
        return stream;
    }
}

static bool HasStreamTrue(System.Buffers.ReadOnlySequence<byte> body)
{
    var json = new System.Text.Json.Utf8JsonReader(body);
    try
    {
        while (json.Read())
        {
            if (json.TokenType == System.Text.Json.JsonTokenType.PropertyName && json.CurrentDepth == 1 && json.ValueTextEquals("stream"u8))
                return json.Read() && json.TokenType == System.Text.Json.JsonTokenType.True;
            if (json.CurrentDepth >= 1 && json.TokenType is System.Text.Json.JsonTokenType.StartObject or System.Text.Json.JsonTokenType.StartArray) json.Skip();
        }
    }
    catch (System.Text.Json.JsonException)
    {
        // not JSON: answered as a whole completion, as before
    }
    return false;
}

async Task StreamAsync(HttpContext http)
{
    if (!http.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.Ordinal))
    {
        await WriteAsync(http, completion);
        return;
    }
    http.Response.ContentType = "text/event-stream";
    http.Response.Headers.CacheControl = "no-cache";
    var body = http.Response.BodyWriter;
    for (var i = 0; i < streamChunks; i++)
    {
        if (i > 0) await Task.Delay(streamGap, http.RequestAborted);
        await body.WriteAsync(contentChunk, http.RequestAborted); // a PipeWriter's WriteAsync flushes: one chunk on the wire
    }
    await body.WriteAsync(usageAndDone, http.RequestAborted);
}

Task WriteAsync(HttpContext http, byte[] json)
{
    var authorized = http.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.Ordinal);
    http.Response.StatusCode = authorized ? 200 : 401;
    http.Response.ContentType = "application/json";
    var body = authorized ? json : unauthorized;
    http.Response.ContentLength = body.Length;
    return http.Response.Body.WriteAsync(body, 0, body.Length, http.RequestAborted);
}

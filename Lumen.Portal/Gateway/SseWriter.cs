using System.Text.Json.Nodes;

namespace Lumen.Portal.Gateway;

/// <summary>Server-sent events: sets the headers once, writes each event and flushes it so it leaves at once.</summary>
internal sealed class SseWriter
{
    private readonly HttpResponse _response;

    public SseWriter(HttpResponse response)
    {
        _response = response;
        response.StatusCode = 200;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
    }

    public Task WriteAsync(JsonObject data) => WriteRawAsync("data: " + data.ToJsonString() + "\n\n");

    public Task WriteDoneAsync() => WriteRawAsync("data: [DONE]\n\n");

    public async Task WriteRawAsync(string text)
    {
        await _response.WriteAsync(text, CancellationToken.None);
        await _response.Body.FlushAsync(CancellationToken.None);
    }
}

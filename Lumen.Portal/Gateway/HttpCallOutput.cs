using System.Text.Json;
using Lumen.Infrastructure.Gateway;

namespace Lumen.Portal.Gateway;

/// <summary>A call's answer written to the HTTP response: a JSON body, or server-sent events flushed one by one.</summary>
internal sealed class HttpCallOutput(HttpResponse response) : ICallOutput
{
    public bool HasStarted => response.HasStarted;

    public async Task WriteAsync(Func<Utf8JsonWriter, Task> write)
    {
        response.StatusCode = 200;
        response.ContentType = "application/json; charset=utf-8";
        await using var json = new Utf8JsonWriter(response.Body);
        await write(json);
        await json.FlushAsync(CancellationToken.None);
    }

    public async Task SendEventsAsync(string text)
    {
        StartEvents();
        await response.WriteAsync(text, CancellationToken.None);
        await response.Body.FlushAsync(CancellationToken.None);
    }

    // PipeWriter.WriteAsync writes and flushes in one step: one send per batch of relayed events.
    public async Task SendEventsAsync(ReadOnlyMemory<byte> events)
    {
        StartEvents();
        await response.BodyWriter.WriteAsync(events, CancellationToken.None);
    }

    private void StartEvents()
    {
        if (response.HasStarted) return;
        response.StatusCode = 200;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
    }
}

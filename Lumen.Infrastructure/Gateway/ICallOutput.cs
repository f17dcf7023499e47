using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lumen.Infrastructure.Gateway;

/// <summary>
/// Where a call's answer goes: the HTTP response, as the endpoint sets it up. The call path writes the answer; the
/// endpoint writes errors (a status and OpenAI's error shape before the answer has started, in-band after).
/// </summary>
public interface ICallOutput
{
    /// <summary>True once the answer's status and first bytes are sent: from then on a failure can only go in-band.</summary>
    bool HasStarted { get; }

    /// <summary>
    /// Sends a whole (non-streamed) answer with status 200, as <paramref name="write"/> writes it: what it writes goes out
    /// at each <see cref="Utf8JsonWriter.FlushAsync"/> (never <c>Flush</c>: the response allows no synchronous writes),
    /// so a large answer need never be held whole.
    /// </summary>
    Task WriteAsync(Func<Utf8JsonWriter, Task> write);

    /// <summary>Sends server-sent-event text as it is, flushed at once; the first one starts a 200 event stream.</summary>
    Task SendEventsAsync(string text);

    /// <summary>Sends server-sent events that are UTF-8 already (a relayed stream's bytes), as they are, flushed at once.</summary>
    Task SendEventsAsync(ReadOnlyMemory<byte> events);
}

public static class CallOutputExtensions
{
    /// <summary>Sends a whole (non-streamed) answer with status 200.</summary>
    public static Task SendAsync(this ICallOutput output, JsonObject answer) => output.WriteAsync(json =>
    {
        answer.WriteTo(json);
        return Task.CompletedTask;
    });

    public static Task SendEventAsync(this ICallOutput output, JsonObject data) => output.SendEventsAsync("data: " + data.ToJsonString() + "\n\n");

    public static Task SendDoneAsync(this ICallOutput output) => output.SendEventsAsync("data: [DONE]\n\n");
}

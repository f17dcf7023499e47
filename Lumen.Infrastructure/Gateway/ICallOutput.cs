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

    /// <summary>Sends a whole (non-streamed) answer with status 200.</summary>
    Task SendAsync(JsonObject answer);

    /// <summary>Sends server-sent-event text as it is, flushed at once; the first one starts a 200 event stream.</summary>
    Task SendEventsAsync(string text);
}

public static class CallOutputExtensions
{
    public static Task SendEventAsync(this ICallOutput output, JsonObject data) => output.SendEventsAsync("data: " + data.ToJsonString() + "\n\n");

    public static Task SendDoneAsync(this ICallOutput output) => output.SendEventsAsync("data: [DONE]\n\n");
}

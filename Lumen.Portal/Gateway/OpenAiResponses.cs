using System.Globalization;
using System.Text.Json.Nodes;
using Lumen.Infrastructure.Gateway;

namespace Lumen.Portal.Gateway;

/// <summary>The JSON shapes the endpoints write themselves: OpenAI's error (in the body or in-band) and the model list.</summary>
internal static class OpenAiResponses
{
    private static readonly TimeSpan InBandErrorGrace = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Reports <paramref name="error"/>: as the status and body when nothing was sent yet; once an answer is streaming,
    /// as a last <c>error</c> event (in the Responses API's own shape for <c>responses</c>), and the connection is
    /// broken off, so a client that ignores in-band errors (the .NET SDK) sees a failure rather than a shorter answer
    /// that looks complete.
    /// </summary>
    public static async Task WriteErrorAsync(HttpContext http, GatewayError error, string? operation = null)
    {
        var response = http.Response;
        if (http.RequestAborted.IsCancellationRequested) return; // nobody is there to read it
        if (!response.HasStarted)
        {
            response.StatusCode = error.Status;
            if (error.RetryAfter is { } wait) response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            await response.WriteAsJsonAsync(new JsonObject { ["error"] = ErrorBody(error) }, CancellationToken.None);
            return;
        }
        var inBand = operation == "responses"
            ? "event: error\ndata: " + new JsonObject { ["type"] = "error", ["code"] = error.Code, ["message"] = error.Message, ["param"] = null }.ToJsonString()
            : "data: " + new JsonObject { ["error"] = ErrorBody(error) }.ToJsonString();
        await response.WriteAsync(inBand + "\n\n", CancellationToken.None);
        await response.Body.FlushAsync(CancellationToken.None);
        // A flush hands the event to the transport, not to the wire, and an abort drops what is still queued: give
        // the last event a moment to leave first. This is the failure path only.
        await Task.Delay(InBandErrorGrace, CancellationToken.None);
        http.Abort();
    }

    private static JsonObject ErrorBody(GatewayError error) => new()
    {
        ["message"] = error.Message,
        ["type"] = error.Type,
        ["param"] = null,
        ["code"] = error.Code,
    };

    public static JsonObject ModelList(IEnumerable<string> models, long created) => new()
    {
        ["object"] = "list",
        ["data"] = new JsonArray(models.Select(m => (JsonNode)Model(m, created)).ToArray()),
    };

    public static JsonObject Model(string id, long created) => new()
    {
        ["id"] = id,
        ["object"] = "model",
        ["created"] = created,
        ["owned_by"] = "lumen",
    };
}

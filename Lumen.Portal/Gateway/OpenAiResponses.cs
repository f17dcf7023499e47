using System.Text.Json.Nodes;
using Lumen.Infrastructure.Gateway;

namespace Lumen.Portal.Gateway;

/// <summary>The JSON shapes the endpoints write themselves: OpenAI's error (in the body or in-band) and the model list.</summary>
internal static class OpenAiResponses
{
    /// <summary>
    /// Reports <paramref name="error"/>: as the status and body when nothing was sent yet; once an answer is streaming,
    /// as a last <c>error</c> event, and the connection is broken off, so a client that ignores in-band errors (the
    /// .NET SDK) sees a failure rather than a shorter answer that looks complete.
    /// </summary>
    public static async Task WriteErrorAsync(HttpContext http, GatewayError error)
    {
        var response = http.Response;
        if (!response.HasStarted)
        {
            response.StatusCode = error.Status;
            await response.WriteAsJsonAsync(new JsonObject { ["error"] = ErrorBody(error) }, CancellationToken.None);
            return;
        }
        if (http.RequestAborted.IsCancellationRequested) return;
        await response.WriteAsync("data: " + new JsonObject { ["error"] = ErrorBody(error) }.ToJsonString() + "\n\n", CancellationToken.None);
        await response.Body.FlushAsync(CancellationToken.None);
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
        ["data"] = new JsonArray(models.Select(m => (JsonNode)new JsonObject
        {
            ["id"] = m,
            ["object"] = "model",
            ["created"] = created,
            ["owned_by"] = "lumen",
        }).ToArray()),
    };
}

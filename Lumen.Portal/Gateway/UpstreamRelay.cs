using System.Text.Json;
using System.Text.Json.Nodes;
using Lumen.Infrastructure.Gateway;

namespace Lumen.Portal.Gateway;

/// <summary>
/// Relays one admitted call to the model's next endpoint. A stream is passed on line by line as it arrives, while
/// the usage chunk (asked for with <c>stream_options.include_usage</c>) and the text seen are noted for the charge.
/// </summary>
internal sealed class UpstreamRelay(ChatCompletions owner, HttpContext http, Call call)
{
    private string Model => call.Admission.Model.Name;

    public async Task RunAsync()
    {
        if (owner.Upstreams.Next(call.Admission.Model) is not { } endpoint)
        {
            // A model defined without endpoints (other than the built-in dummy) has nowhere to go.
            await FailAsync(GatewayError.UpstreamUnavailable(Model, "it has no endpoints configured"));
            return;
        }
        var body = (JsonObject)call.Request.Body.DeepClone();
        body["model"] = endpoint.UpstreamModel;
        if (call.Request.Stream) body["stream_options"] = new JsonObject { ["include_usage"] = true };

        HttpResponseMessage response;
        try
        {
            response = await owner.Upstreams.SendAsync(endpoint, body, http.RequestAborted);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            await owner.LogFailureAsync(call, 499, "client_closed");
            return;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            // Refused connection, DNS, or HttpClient's timeout: the model is not there to answer.
            await FailAsync(GatewayError.UpstreamUnavailable(Model, e is OperationCanceledException ? "timed out" : e.Message));
            return;
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode) await RelayRefusalAsync(response);
            else if (call.Request.Stream) await RelayStreamAsync(response);
            else await RelayCompletionAsync(response);
        }
    }

    private async Task RelayCompletionAsync(HttpResponseMessage response)
    {
        JsonObject? completion;
        try
        {
            completion = JsonNode.Parse(await response.Content.ReadAsStringAsync(http.RequestAborted)) as JsonObject;
        }
        catch (Exception e) when (e is JsonException or HttpRequestException or IOException)
        {
            await FailAsync(GatewayError.UpstreamFailed(Model, "its answer could not be read"));
            return;
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            await owner.LogFailureAsync(call, 499, "client_closed");
            return;
        }
        if (completion is null)
        {
            await FailAsync(GatewayError.UpstreamFailed(Model, "its answer was not a JSON object"));
            return;
        }
        var (input, output) = OpenAiResponses.ReadUsage(completion) ?? Estimate(ContentOf(completion, "message"));
        completion["model"] = Model;
        await http.Response.WriteAsJsonAsync(completion, CancellationToken.None);
        await owner.ChargeAsync(call, input, output);
    }

    private async Task RelayStreamAsync(HttpResponseMessage response)
    {
        var sse = new SseWriter(http.Response);
        (long, long)? usage = null;
        var seen = new System.Text.StringBuilder();
        var done = false;
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(http.RequestAborted);
            using var reader = new StreamReader(stream);
            var pending = new System.Text.StringBuilder();
            while (await reader.ReadLineAsync(http.RequestAborted) is { } line)
            {
                pending.Append(line).Append('\n');
                if (line.Length == 0)
                {
                    await sse.WriteRawAsync(pending.ToString());
                    pending.Clear();
                    continue;
                }
                if (!line.StartsWith("data:", StringComparison.Ordinal)) continue;
                var data = line.AsSpan(5).Trim();
                if (data.SequenceEqual("[DONE]"))
                {
                    done = true;
                    continue;
                }
                Note(data.ToString(), ref usage, seen);
            }
            if (pending.Length > 0) await sse.WriteRawAsync(pending.ToString());
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client left: it is charged for what was produced so far.
            var (input, output) = usage ?? Estimate(seen.ToString());
            await owner.ChargeAsync(call, input, output);
            return;
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            done = false;
        }

        if (!done && usage is null)
        {
            // The upstream dropped the stream: tell the client in-band (headers are gone), charge nothing, and break the
            // connection as the upstream did, so clients that ignore in-band errors (the .NET SDK) see a failure, not a
            // shorter answer that looks complete.
            await sse.WriteAsync(new JsonObject { ["error"] = ErrorBody(GatewayError.UpstreamFailed(Model, "the stream broke off")) });
            await owner.LogFailureAsync(call, 502, "upstream_error");
            http.Abort();
            return;
        }
        var (i, o) = usage ?? Estimate(seen.ToString());
        await owner.ChargeAsync(call, i, o);
    }

    /// <summary>Upstream said no: its 4xx is the caller's problem and passed on; anything else is a 502. Never charged.</summary>
    private async Task RelayRefusalAsync(HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        if (status is >= 400 and < 500 and not 401 and not 403 and not 429)
        {
            http.Response.StatusCode = status;
            http.Response.ContentType = response.Content.Headers.ContentType?.ToString() ?? "application/json";
            await http.Response.WriteAsync(await response.Content.ReadAsStringAsync(CancellationToken.None), CancellationToken.None);
            await owner.LogFailureAsync(call, status, "upstream_rejected");
            return;
        }
        await FailAsync(GatewayError.UpstreamFailed(Model, $"the upstream answered {status}"));
    }

    private async Task FailAsync(GatewayError error)
    {
        if (!http.Response.HasStarted) await OpenAiResponses.WriteErrorAsync(http.Response, error);
        await owner.LogFailureAsync(call, error.Status, error.Code);
    }

    private static void Note(string data, ref (long, long)? usage, System.Text.StringBuilder seen)
    {
        JsonNode? chunk;
        try
        {
            chunk = JsonNode.Parse(data);
        }
        catch (JsonException)
        {
            return; // passed on untouched; only our bookkeeping skips it
        }
        usage = OpenAiResponses.ReadUsage(chunk) ?? usage;
        seen.Append(ContentOf(chunk, "delta"));
    }

    private static string ContentOf(JsonNode? node, string part) =>
        node?["choices"] is JsonArray { Count: > 0 } choices && choices[0]?[part]?["content"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : "";

    private (long Input, long Output) Estimate(string output) =>
        (call.Request.Messages.Sum(m => TokenEstimate.Of(m.Content) + 3), TokenEstimate.Of(output));

    private static JsonObject ErrorBody(GatewayError e) => new() { ["message"] = e.Message, ["type"] = e.Type, ["code"] = e.Code };
}

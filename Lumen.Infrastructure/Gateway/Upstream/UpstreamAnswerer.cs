using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lumen.Infrastructure.Gateway.Upstream;

/// <summary>
/// Answers a call through the model's next endpoint. A stream is passed on line by line as it arrives, while the
/// usage it reports and the text seen are noted for the charge. Upstream failures are errors to report, never charged.
/// </summary>
internal sealed class UpstreamAnswerer(UpstreamClients upstreams) : IAnswerer
{
    public async Task<Answer> AnswerAsync(AdmittedCall admitted, ICallOutput output, CancellationToken callerGone)
    {
        var model = admitted.Model.Name;
        // A model defined without endpoints (other than the built-in dummy) has nowhere to go.
        if (upstreams.Next(admitted.Model) is not { } endpoint)
            return Answer.Failed(GatewayError.UpstreamUnavailable(model, "it has no endpoints configured"));

        HttpResponseMessage response;
        try
        {
            response = await upstreams.SendAsync(endpoint, admitted.Request.UpstreamPath, admitted.Request.UpstreamBody(endpoint.UpstreamModel), callerGone);
        }
        catch (OperationCanceledException) when (callerGone.IsCancellationRequested)
        {
            return Answer.CallerLeft(default);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            // Refused connection, DNS, or HttpClient's timeout: the model is not there to answer.
            return Answer.Failed(GatewayError.UpstreamUnavailable(model, e is OperationCanceledException ? "timed out" : e.Message));
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode) return await RefusalAsync(admitted, response, output);
            return admitted.Request.Stream
                ? await RelayStreamAsync(admitted, response, output, callerGone)
                : await RelayWholeAsync(admitted, response, output, callerGone);
        }
    }

    private static async Task<Answer> RelayWholeAsync(AdmittedCall call, HttpResponseMessage response, ICallOutput output, CancellationToken callerGone)
    {
        JsonObject? answer;
        try
        {
            answer = JsonNode.Parse(await response.Content.ReadAsStringAsync(callerGone)) as JsonObject;
        }
        catch (Exception e) when (e is JsonException or HttpRequestException or IOException)
        {
            return Answer.Failed(GatewayError.UpstreamFailed(call.Model.Name, "its answer could not be read"));
        }
        catch (OperationCanceledException) when (callerGone.IsCancellationRequested)
        {
            return Answer.CallerLeft(default);
        }
        if (answer is null) return Answer.Failed(GatewayError.UpstreamFailed(call.Model.Name, "its answer was not a JSON object"));
        var usage = call.Request.ReadUsage(answer) ?? Estimate(call, call.Request.AnswerText(answer));
        answer["model"] = call.Model.Name;
        await output.SendAsync(answer);
        return Answer.Completed(usage);
    }

    private static async Task<Answer> RelayStreamAsync(AdmittedCall call, HttpResponseMessage response, ICallOutput output, CancellationToken callerGone)
    {
        TokenUsage? usage = null;
        var seen = new StringBuilder();
        var done = false;
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(callerGone);
            using var reader = new StreamReader(stream);
            var pending = new StringBuilder();
            while (await reader.ReadLineAsync(callerGone) is { } line)
            {
                pending.Append(line).Append('\n');
                if (line.Length == 0)
                {
                    await output.SendEventsAsync(pending.ToString());
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
                Note(call.Request, data.ToString(), ref usage, seen);
            }
            if (pending.Length > 0) await output.SendEventsAsync(pending.ToString());
        }
        catch (OperationCanceledException) when (callerGone.IsCancellationRequested)
        {
            // The caller left: it is charged for what was produced so far.
            return Answer.CallerLeft(usage ?? Estimate(call, seen.ToString()));
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            done = false;
        }
        // The upstream dropped the stream: an error, not a shorter answer that looks complete.
        if (!done && usage is null) return Answer.Failed(GatewayError.UpstreamFailed(call.Model.Name, "the stream broke off"));
        return Answer.Completed(usage ?? Estimate(call, seen.ToString()));
    }

    /// <summary>Upstream said no: never charged. Its 4xx (but 401, 403 and 429) is the caller's problem and passed on.</summary>
    private static async Task<Answer> RefusalAsync(AdmittedCall call, HttpResponseMessage response, ICallOutput output)
    {
        var status = (int)response.StatusCode;
        if (status is >= 400 and < 500 and not 401 and not 403 and not 429)
        {
            var body = await response.Content.ReadAsStringAsync(CancellationToken.None);
            return Answer.Failed(new GatewayError(status, "invalid_request_error", "upstream_rejected", body, Domain.Calls.CallOutcome.InvalidRequest));
        }
        return Answer.Failed(GatewayError.UpstreamFailed(call.Model.Name, $"the upstream answered {status}"));
    }

    private static void Note(ModelRequest request, string data, ref TokenUsage? usage, StringBuilder seen)
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
        usage = request.ReadUsage(chunk) ?? usage;
        seen.Append(request.DeltaText(chunk));
    }

    private static TokenUsage Estimate(AdmittedCall call, string output) =>
        new(call.Request.EstimatedInputTokens, TokenEstimate.Of(output));
}

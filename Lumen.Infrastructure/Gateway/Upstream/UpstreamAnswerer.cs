using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Lumen.Infrastructure.Gateway.Upstream;

/// <summary>
/// Answers a call through one of the model's endpoints (which one, and failover: <see cref="EndpointFailover"/>), within
/// §15's bounds: the whole answer within
/// <see cref="GatewayOptions.UpstreamTimeout"/>, no silence between streamed chunks longer than
/// <see cref="GatewayOptions.StreamIdle"/>, no answer larger than <see cref="GatewayOptions.MaxUpstreamResponseBytes"/>,
/// and plausible usage. A stream is passed on event by event as it arrives, while its usage and text are noted for the
/// charge. Upstream failures are errors in our words (what went wrong is logged here), never charged.
/// </summary>
internal sealed partial class UpstreamAnswerer(EndpointFailover failover, GatewayOptions options, ILogger<UpstreamAnswerer> log) : IAnswerer
{
    public async Task<Answer> AnswerAsync(AdmittedCall admitted, ICallOutput output, CancellationToken callerGone)
    {
        var model = admitted.Model.Name;
        // A model defined without endpoints (other than the built-in dummy) has nowhere to go.
        if (admitted.Model.Endpoints.Count == 0)
            return Answer.Failed(GatewayError.UpstreamUnavailable(model, "it has no endpoints configured"));

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(callerGone);
        deadline.CancelAfter(options.UpstreamTimeout);
        Sent sent;
        try
        {
            sent = await failover.SendAsync(admitted, deadline.Token);
        }
        catch (OperationCanceledException) when (callerGone.IsCancellationRequested)
        {
            return Answer.CallerLeft(new TokenUsage(admitted.Request.EstimatedInputTokens, 0));
        }
        catch (OperationCanceledException)
        {
            return Answer.Failed(GatewayError.UpstreamTimeout(model, $"no answer within {Seconds(options.UpstreamTimeout)}"));
        }
        if (sent is not { Lease: { } lease, Response: { } response }) return Answer.Failed(sent.Error!);
        // The call counts in flight at its endpoint until its answer ends, a stream's last chunk included.
        using var inFlight = lease;
        var call = new UpstreamCall(admitted, lease.Endpoint.Endpoint.Url, callerGone, deadline.Token);

        using (response)
        {
            if (!response.IsSuccessStatusCode) return await RefusalAsync(call, response);
            return admitted.Request.Stream ? await RelayStreamAsync(call, response, output) : await RelayWholeAsync(call, response, output);
        }
    }

    private async Task<Answer> RelayWholeAsync(UpstreamCall call, HttpResponseMessage response, ICallOutput output)
    {
        var cap = options.MaxUpstreamResponseBytes;
        byte[]? body;
        try
        {
            body = response.Content.Headers.ContentLength > cap ? null
                : await BoundedBody.ReadAsync(response.Content, cap, call.Deadline);
        }
        catch (OperationCanceledException) when (call.CallerGone.IsCancellationRequested)
        {
            return call.CallerLeft(null, "");
        }
        catch (OperationCanceledException)
        {
            return Answer.Failed(GatewayError.UpstreamTimeout(call.Model, $"its answer did not arrive within {Seconds(options.UpstreamTimeout)}"));
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            LogBroken(log, e, call.Model, call.Url);
            return Answer.Failed(GatewayError.UpstreamFailed(call.Model, "its answer broke off"));
        }
        if (body is null) return Failed(call, $"its answer is larger than {cap:N0} bytes");

        JsonObject? answer = null;
        try
        {
            if (System.Text.Unicode.Utf8.IsValid(body)) answer = JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
            // garbage, reported below
        }
        if (answer is null) return Failed(call, "its answer is not a JSON object");
        var usage = call.Request.ReadUsage(answer);
        if (usage.Implausible) return Failed(call, "it reported implausible token usage");
        answer["model"] = call.Model;
        await output.SendAsync(answer);
        return Answer.Completed(usage.Usage ?? call.Estimate(call.Request.AnswerText(answer)));
    }

    private async Task<Answer> RelayStreamAsync(UpstreamCall call, HttpResponseMessage response, ICallOutput output)
    {
        var stream = new StreamNotes(call.Request);
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(call.Deadline);
        long bytes = 0;
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(call.Deadline);
            using var reader = new StreamReader(body);
            var pending = new StringBuilder();
            while (true)
            {
                idle.CancelAfter(options.StreamIdle);
                if (await reader.ReadLineAsync(idle.Token) is not { } line) break;
                bytes += line.Length + 1;
                if (bytes > options.MaxUpstreamResponseBytes) return Failed(call, $"its answer is larger than {options.MaxUpstreamResponseBytes:N0} bytes");
                pending.Append(line).Append('\n');
                if (line.Length == 0)
                {
                    await output.SendEventsAsync(pending.ToString());
                    pending.Clear();
                }
                else if (stream.Note(line) is { } wrong)
                {
                    return Failed(call, wrong);
                }
            }
            if (pending.Length > 0) await output.SendEventsAsync(pending.ToString());
        }
        catch (OperationCanceledException) when (call.CallerGone.IsCancellationRequested)
        {
            return call.CallerLeft(stream.Usage, stream.Seen);
        }
        catch (OperationCanceledException) when (call.Deadline.IsCancellationRequested)
        {
            return Answer.Failed(GatewayError.UpstreamTimeout(call.Model, $"its answer took longer than {Seconds(options.UpstreamTimeout)}"));
        }
        catch (OperationCanceledException)
        {
            return Answer.Failed(GatewayError.UpstreamTimeout(call.Model, $"its stream was silent for {Seconds(options.StreamIdle)}"));
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            LogBroken(log, e, call.Model, call.Url);
            return Failed(call, "the stream broke off");
        }
        // A stream that ends without [DONE] or usage was cut: an error, not a shorter answer that looks complete.
        if (!stream.Done && stream.Usage is null) return Failed(call, "the stream broke off");
        return Answer.Completed(stream.Usage ?? call.Estimate(stream.Seen));
    }

    /// <summary>The upstream said no (§15): never charged, and said in our words.</summary>
    private async Task<Answer> RefusalAsync(UpstreamCall call, HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        LogRefused(log, call.Model, call.Url, status);
        switch (status)
        {
            case 429:
                return Answer.Failed(GatewayError.UpstreamRateLimited(call.Model, RetryAfter(response)));
            case 404 or 405:
                return Answer.Failed(GatewayError.OperationNotServed(call.Model, call.Request.Operation, status));
            case 401 or 403:
                return Failed(call, "its server refused the gateway's credentials");
            case >= 400 and < 500:
                // The caller's request, refused by the model's server (too long a prompt, a bad parameter): its own words help the caller.
                var said = await UpstreamErrorMessage.ReadAsync(response.Content, call.Deadline);
                return Answer.Failed(GatewayError.BadRequest($"The model '{call.Model}' refused the request" + (said is null ? "." : $": {said}")));
            default:
                return Failed(call, $"its server answered {status}");
        }
    }

    private static Answer Failed(UpstreamCall call, string what) => Answer.Failed(GatewayError.UpstreamFailed(call.Model, what));

    /// <summary>The upstream's <c>Retry-After</c> (seconds or a date), passed on.</summary>
    private static TimeSpan? RetryAfter(HttpResponseMessage response) =>
        response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - DateTimeOffset.UtcNow is { Ticks: > 0 } wait ? wait : TimeSpan.Zero,
            _ => null,
        };

    private static string Seconds(TimeSpan span) => $"{span.TotalSeconds:0.###} s";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model {Model}: the answer of {Url} broke off")]
    private static partial void LogBroken(ILogger logger, Exception e, string model, string url);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model {Model}: {Url} answered {Status}")]
    private static partial void LogRefused(ILogger logger, string model, string url, int status);
}

/// <summary>One call on its way to an upstream: what it asks, where, and its two ways to end early.</summary>
internal sealed record UpstreamCall(AdmittedCall Admitted, string Url, CancellationToken CallerGone, CancellationToken Deadline)
{
    public string Model => Admitted.Model.Name;
    public ModelRequest Request => Admitted.Request;

    public TokenUsage Estimate(string output) => new(Request.EstimatedInputTokens, TokenEstimate.Of(output));

    /// <summary>§15: charged for what the upstream had reported, or else the estimate of the input and of the output sent so far.</summary>
    public Answer CallerLeft(TokenUsage? reported, string sent) => Answer.CallerLeft(reported ?? Estimate(sent));
}

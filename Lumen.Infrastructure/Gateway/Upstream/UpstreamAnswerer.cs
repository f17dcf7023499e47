using System.Text.Json;
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

        // Linked to the caller only: the failover starts the answer's bound once the call has a slot (§20).
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(callerGone);
        Sent sent;
        try
        {
            sent = await failover.SendAsync(admitted, deadline, callerGone);
        }
        catch (OperationCanceledException) when (callerGone.IsCancellationRequested)
        {
            return Answer.CallerLeft(new TokenUsage(admitted.Request.EstimatedInputTokens, 0));
        }
        catch (OperationCanceledException)
        {
            return Answer.Failed(GatewayError.UpstreamTimeout(model, $"no answer within {Seconds(options.UpstreamTimeout)}"));
        }
        // A refusal, or the caller left while waiting for a slot: nothing reached a model, so nothing is charged (§20).
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
            return call.CallerLeft(null, 0);
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

        using var answer = ParseObject(body);
        if (answer is null) return Failed(call, "its answer is not a JSON object");
        var usage = call.Request.ReadUsage(answer.RootElement);
        if (usage.Implausible) return Failed(call, "it reported implausible token usage");
        await output.WriteAsync(json =>
        {
            WriteNamingOurModel(json, answer.RootElement, call.Model);
            return Task.CompletedTask;
        });
        return Answer.Completed(usage.Usage ?? call.Estimate(call.Request.AnswerTextLength(answer.RootElement)));
    }

    private static JsonDocument? ParseObject(byte[] body)
    {
        if (!System.Text.Unicode.Utf8.IsValid(body)) return null;
        try
        {
            var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object) return document;
            document.Dispose();
        }
        catch (JsonException)
        {
            // garbage, reported by the caller
        }
        return null;
    }

    /// <summary>The answer as it came, but naming the model as the caller called it, not the upstream's id for it.</summary>
    private static void WriteNamingOurModel(Utf8JsonWriter json, JsonElement answer, string model)
    {
        json.WriteStartObject();
        var named = false;
        foreach (var property in answer.EnumerateObject())
        {
            if (!property.NameEquals("model"u8))
            {
                property.WriteTo(json);
            }
            else if (!named)
            {
                json.WriteString("model"u8, model);
                named = true;
            }
        }
        if (!named) json.WriteString("model"u8, model);
        json.WriteEndObject();
    }

    /// <summary>
    /// Passes a stream on as bytes: whatever whole events one read brought go out in one write, and each <c>data:</c>
    /// line is read in place for usage, text length and the end. Nothing is decoded to strings or copied per event.
    /// </summary>
    private async Task<Answer> RelayStreamAsync(UpstreamCall call, HttpResponseMessage response, ICallOutput output)
    {
        using var events = new EventBuffer(call.Model);
        var stream = new StreamNotes(call.Request, call.Model, events);
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(call.Deadline);
        long bytes = 0;
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(call.Deadline);
            while (true)
            {
                idle.CancelAfter(options.StreamIdle);
                var read = await body.ReadAsync(events.Free(), idle.Token);
                if (read == 0) break;
                bytes += read;
                if (bytes > options.MaxUpstreamResponseBytes) return Failed(call, $"its answer is larger than {options.MaxUpstreamResponseBytes:N0} bytes");
                events.Filled(read);
                string? wrong = null;
                while (wrong is null && events.NextLine() is { } line) wrong = stream.Note(line);
                // The events before a wrong line go out as they would have had it come in a later read.
                if (events.Whole.Length > 0)
                {
                    await output.SendEventsAsync(events.Whole);
                    events.Sent();
                }
                if (wrong is not null) return Failed(call, wrong);
            }
            if (events.Unsent.Length > 0)
            {
                // The stream ended without the blank line after its last event: that event is still passed on, as it came.
                if (stream.Note(events.Unended) is { } wrong) return Failed(call, wrong);
                await output.SendEventsAsync(events.Unsent);
            }
        }
        catch (OperationCanceledException) when (call.CallerGone.IsCancellationRequested)
        {
            return call.CallerLeft(stream.Usage, stream.TextLength);
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
        return Answer.Completed(stream.Usage ?? call.Estimate(stream.TextLength));
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

    public TokenUsage Estimate(long outputLength) => new(Request.EstimatedInputTokens, TokenEstimate.OfLength(outputLength));

    /// <summary>§15: charged for what the upstream had reported, or else the estimate of the input and of the output sent so far.</summary>
    public Answer CallerLeft(TokenUsage? reported, long sentLength) => Answer.CallerLeft(reported ?? Estimate(sentLength));
}

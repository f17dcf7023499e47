using System.Diagnostics;
using System.Text.Json.Nodes;
using Lumen.Domain.Budget;
using Lumen.Infrastructure.Events;
using Lumen.Infrastructure.Gateway;
using Lumen.Infrastructure.Usage;

namespace Lumen.Portal.Gateway;

/// <summary>
/// <c>POST /v1/chat/completions</c> (§10): admit, answer (the built-in dummy, or an upstream endpoint), charge.
/// Upstream failures are logged and never charged; a client that leaves mid-stream is charged for what it got.
/// </summary>
internal sealed class ChatCompletions(CallGate gate, CoinLedger ledger, UpstreamClients upstreams, UsageSignals usage, TimeProvider clock)
{
    public async Task HandleAsync(HttpContext http)
    {
        var ct = http.RequestAborted;
        var watch = Stopwatch.StartNew();
        var (request, problem) = await ChatRequest.ReadAsync(http.Request, ct);
        var (admission, error) = await gate.AdmitAsync(GatewayEndpoints.Bearer(http), request?.Model ?? "", problem, ct);
        if (error is not null)
        {
            await OpenAiResponses.WriteErrorAsync(http.Response, error);
            return;
        }
        var call = new Call(admission!, request!, watch, $"chatcmpl-{Guid.NewGuid():N}", clock.GetUtcNow().ToUnixTimeSeconds());
        if (admission!.Model.IsBuiltInDummy) await AnswerWithDummyAsync(http, call);
        else await new UpstreamRelay(this, http, call).RunAsync();
    }

    private async Task AnswerWithDummyAsync(HttpContext http, Call call)
    {
        var reply = DummyModel.Answer(call.Request.Messages);
        var name = call.Admission.Model.Name;
        if (!call.Request.Stream)
        {
            await http.Response.WriteAsJsonAsync(OpenAiResponses.Completion(call.Id, call.Created, name, reply.Text, reply.InputTokens, reply.OutputTokens));
            await ChargeAsync(call, reply.InputTokens, reply.OutputTokens);
            return;
        }
        var sse = new SseWriter(http.Response);
        var sent = "";
        await sse.WriteAsync(OpenAiResponses.Chunk(call.Id, call.Created, name, new JsonObject { ["role"] = "assistant", ["content"] = "" }));
        foreach (var piece in reply.Pieces())
        {
            if (http.RequestAborted.IsCancellationRequested) break;
            await sse.WriteAsync(OpenAiResponses.Chunk(call.Id, call.Created, name, new JsonObject { ["content"] = piece }));
            sent += piece;
        }
        var output = sent.Length == reply.Text.Length ? reply.OutputTokens : TokenEstimate.Of(sent);
        if (!http.RequestAborted.IsCancellationRequested)
        {
            await sse.WriteAsync(OpenAiResponses.Chunk(call.Id, call.Created, name, new JsonObject(), "stop"));
            await sse.WriteAsync(OpenAiResponses.Chunk(call.Id, call.Created, name, null, usage: OpenAiResponses.Usage(reply.InputTokens, output)));
            await sse.WriteDoneAsync();
        }
        await ChargeAsync(call, reply.InputTokens, output);
    }

    /// <summary>Charges a call that produced output. Never cancelled by the client leaving: what was produced is owed.</summary>
    internal async Task ChargeAsync(Call call, long input, long output)
    {
        var cost = CallCost.For(input, output, call.Admission.Model.Price);
        await ledger.ChargeAsync(call.Admission.ClientId, call.Admission.KeyId, call.Admission.Model.Name, input, output, cost,
            (int)call.Watch.ElapsedMilliseconds, CancellationToken.None);
        usage.Touch(call.Admission.ClientName);
    }

    /// <summary>Logs a call that failed after admission; nothing is charged.</summary>
    internal Task LogFailureAsync(Call call, int status, string code) =>
        ledger.LogRefusalAsync(new CallRecord(call.Admission.ClientId, call.Admission.KeyId, call.Admission.Model.Name,
            status, code, 0, 0, 0, (int)call.Watch.ElapsedMilliseconds), CancellationToken.None);

    internal UpstreamClients Upstreams => upstreams;
}

/// <summary>One admitted call in progress.</summary>
internal sealed record Call(Admission Admission, ChatRequest Request, Stopwatch Watch, string Id, long Created);

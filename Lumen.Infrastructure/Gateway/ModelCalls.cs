using System.Diagnostics;
using Lumen.Domain.Budget;
using Lumen.Domain.Calls;
using Lumen.Domain.Models;
using Lumen.Infrastructure.ApiKeys;
using Lumen.Infrastructure.Events;
using Lumen.Infrastructure.Gateway.Chat;
using Lumen.Infrastructure.Gateway.Upstream;
using Lumen.Infrastructure.Usage;

namespace Lumen.Infrastructure.Gateway;

/// <summary>
/// The one path of a model call (§15): identify the key → admit → answer (the built-in model or an upstream) →
/// charge or log. Endpoints only read the request and write what comes back; none charges, logs or refuses on its own.
/// </summary>
public sealed class ModelCalls
{
    private readonly KeyVerifier _keys;
    private readonly CallAdmission _admission;
    private readonly UpstreamAnswerer _upstream;
    private readonly DummyChatAnswerer _dummyChat = new();
    private readonly CoinLedger _ledger;
    private readonly UsageSignals _usage;
    private readonly UnidentifiedCalls _unidentified;
    private readonly TimeProvider _clock;

    internal ModelCalls(KeyVerifier keys, CallAdmission admission, UpstreamClients upstreams, CoinLedger ledger,
        UsageSignals usage, UnidentifiedCalls unidentified, TimeProvider clock)
    {
        _keys = keys;
        _admission = admission;
        _upstream = new UpstreamAnswerer(upstreams);
        _ledger = ledger;
        _usage = usage;
        _unidentified = unidentified;
        _clock = clock;
    }

    /// <summary>
    /// Runs one call. <paramref name="request"/> is null when the body could not be read, and
    /// <paramref name="problem"/> then says why: that is reported after the key check, as OpenAI does.
    /// </summary>
    public async Task<CallResult> RunAsync(string operation, string? bearer, string requestId, ModelRequest? request,
        string? problem, ICallOutput output, CancellationToken callerGone)
    {
        var watch = Stopwatch.StartNew();
        var caller = await _keys.FindAsync(bearer, callerGone);
        if (caller is null)
        {
            _unidentified.Count(operation);
            return CallResult.Refused(GatewayError.InvalidKey());
        }
        var model = request?.Model ?? "";
        GatewayError? error;
        ModelDefinition? admitted = null;
        if (problem is not null || request is null)
            error = CallAdmission.CheckCaller(caller) ?? GatewayError.BadRequest(problem ?? "The request could not be read.");
        else
            (admitted, error) = await _admission.AdmitAsync(caller, model, callerGone);
        if (error is not null)
        {
            await LogAsync(Record(caller, operation, requestId, model, watch) with
            {
                Status = error.Status, ErrorCode = error.Code, Outcome = error.Outcome,
            });
            return CallResult.Refused(error);
        }

        var call = new AdmittedCall(requestId, caller.Client.Id, caller.Client.Name, caller.KeyId, admitted!, request!, _clock.GetUtcNow());
        var answer = await AnswererFor(call).AnswerAsync(call, output, callerGone);
        var record = Record(caller, operation, requestId, admitted!.Name, watch);
        if (answer.Outcome.IsCharged())
        {
            var cost = CallCost.For(answer.Usage.Input, answer.Usage.Output, admitted.Price);
            await _ledger.ChargeAsync(record with
            {
                Status = 200, Outcome = answer.Outcome, InputTokens = answer.Usage.Input, OutputTokens = answer.Usage.Output,
                CoinsMicros = cost.Micros,
            }, CancellationToken.None);
            _usage.Touch(call.ClientName);
            return new CallResult(answer.Outcome, null);
        }
        var failure = answer.Error!;
        await LogAsync(record with { Status = failure.Status, ErrorCode = failure.Code, Outcome = failure.Outcome });
        return CallResult.Refused(failure);
    }

    /// <summary>The models the key's client can use now (<c>/v1/models</c>; not a model call, so not logged).</summary>
    public async Task<(IReadOnlyList<ModelDefinition> Models, GatewayError? Error)> ListModelsAsync(string? bearer, CancellationToken ct)
    {
        var caller = await _keys.FindAsync(bearer, ct);
        if (caller is null) return ([], GatewayError.InvalidKey());
        if (CallAdmission.CheckCaller(caller) is { } refused) return ([], refused);
        return (await _admission.UsableModelsAsync(caller, ct), null);
    }

    private IAnswerer AnswererFor(AdmittedCall call) => call.Model.IsBuiltInDummy ? _dummyChat : _upstream;

    private static CallRecord Record(Caller caller, string operation, string requestId, string model, Stopwatch watch) =>
        new(caller.Client.Id, caller.KeyId, model, 0, null, 0, 0, 0, (int)watch.ElapsedMilliseconds,
            Operation: operation, RequestId: requestId);

    /// <summary>A refusal or failure is logged even if the caller has gone: it happened.</summary>
    private Task LogAsync(CallRecord record) => _ledger.LogRefusalAsync(record, CancellationToken.None);
}

/// <summary>How a call ended, for the endpoint: the outcome, and the error to report (null when answered).</summary>
public sealed record CallResult(CallOutcome Outcome, GatewayError? Error)
{
    public static CallResult Refused(GatewayError error) => new(error.Outcome, error);
}

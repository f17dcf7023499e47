using System.Diagnostics;
using Lumen.Domain.Access;
using Lumen.Domain.Budget;
using Lumen.Domain.Calls;
using Lumen.Domain.Models;
using Lumen.Infrastructure.ApiKeys;
using Lumen.Infrastructure.Changes;
using Lumen.Infrastructure.Gateway.Upstream;
using Lumen.Infrastructure.Ledger;
using Lumen.Infrastructure.UseCases;
using Microsoft.Extensions.Logging;

namespace Lumen.Infrastructure.Gateway;

/// <summary>
/// The one path of a model call (§15): identify the key → admit → answer (the built-in model or an upstream) →
/// charge or log. Endpoints only read the request and write what comes back; none charges, logs or refuses on its own.
/// </summary>
public sealed partial class ModelCalls
{
    private readonly KeyVerifier _keys;
    private readonly CallAdmission _admission;
    private readonly UpstreamAnswerer _upstream;
    private readonly CoinLedger _ledger;
    private readonly UsageSignals _usage;
    private readonly UnidentifiedCalls _unidentified;
    private readonly GatewayMetrics _metrics;
    private readonly ModelCallStats _stats;
    private readonly TimeProvider _clock;
    private readonly ILogger _log;

    internal ModelCalls(KeyVerifier keys, CallAdmission admission, UpstreamAnswerer upstream, CoinLedger ledger,
        UsageSignals usage, UnidentifiedCalls unidentified, GatewayMetrics metrics, ModelCallStats stats, TimeProvider clock, ILogger<ModelCalls> log)
    {
        _keys = keys;
        _admission = admission;
        _upstream = upstream;
        _log = log;
        _ledger = ledger;
        _usage = usage;
        _unidentified = unidentified;
        _metrics = metrics;
        _stats = stats;
        _clock = clock;
    }

    /// <summary>
    /// Runs one call. <paramref name="input"/>'s request is null when the body could not be read, and its problem then
    /// says why: that is reported after the key check, as OpenAI does.
    /// </summary>
    public async Task<CallResult> RunAsync(string operation, string? bearer, string requestId, CallInput input,
        ICallOutput output, CancellationToken callerGone)
    {
        var (request, problem) = (input.Request, input.Problem);
        var watch = Stopwatch.StartNew();
        // Not cut short when the caller leaves (mid-upload, say): a call whose key matched is logged whenever it left (§15).
        var caller = await _keys.FindAsync(bearer, CancellationToken.None);
        if (caller is null)
        {
            _unidentified.Count(operation);
            _metrics.Ended(new CallRecord(null, null, input.Model, 401, null, 0, 0, 0, 0, CallOutcome.InvalidKey, operation), watch.Elapsed);
            return CallResult.Refused(GatewayError.InvalidKey());
        }
        var record = new CallRecord(caller.Client.Id, caller.KeyId, input.Model, 0, null, 0, 0, 0, 0,
            Operation: operation, RequestId: requestId, ClientName: caller.Client.Name, KnownModel: _admission.Defines(input.Model));
        try
        {
            return await AdmitAndAnswerAsync(caller, request, problem, record, watch, output, callerGone);
        }
        catch (Exception e) when (e is not OperationCanceledException || !callerGone.IsCancellationRequested)
        {
            // A fault of ours: logged with its exception, the caller told only that it happened (§15).
            LogFault(_log, e, requestId);
            return await EndAsync(record, watch, GatewayError.Internal());
        }
        catch (OperationCanceledException)
        {
            return await EndAsync(record, watch, GatewayError.ClientClosed);
        }
    }

    private async Task<CallResult> AdmitAndAnswerAsync(Caller caller, ModelRequest? request, GatewayError? problem, CallRecord record,
        Stopwatch watch, ICallOutput output, CancellationToken callerGone)
    {
        if (request is null || problem is not null)
            return await EndAsync(record, watch, CallAdmission.CheckCaller(caller, _clock.GetUtcNow()) ?? problem ?? GatewayError.BadRequest("The request could not be read."));
        var (model, refused) = await _admission.AdmitAsync(caller, request.Model, callerGone);
        if (refused is not null) return await EndAsync(record, watch, refused);

        var call = new AdmittedCall(record.RequestId!, caller.Client.Id, caller.Client.Name, caller.KeyId, model!, request, _clock.GetUtcNow());
        var answer = await AnswererFor(call).AnswerAsync(call, output, callerGone);
        _stats.Record(model!.Name, answer.Outcome == CallOutcome.Ok, watch.Elapsed);
        // An error is never charged; client_closed is, unless the caller left before its call reached a model (§20).
        if (answer.Error is { } error) return await EndAsync(record, watch, error);

        var cost = CallCost.For(answer.Usage.Input, answer.Usage.Output, model!.Price);
        var ended = answer.Outcome == CallOutcome.ClientClosed ? GatewayError.ClientClosed : null;
        var charged = record with
        {
            Status = ended?.Status ?? 200, ErrorCode = ended?.Code,
            Outcome = answer.Outcome, InputTokens = answer.Usage.Input, OutputTokens = answer.Usage.Output, CoinsMicros = cost.Micros,
            DurationMs = (int)watch.ElapsedMilliseconds,
        };
        await _ledger.ChargeAsync(charged, CancellationToken.None);
        _metrics.Ended(charged, watch.Elapsed);
        _usage.Touch(call.ClientName);
        return new CallResult(answer.Outcome, null);
    }

    /// <summary>Logs a call that ended without a charge (a refusal or a failure), even if the caller has gone: it happened.</summary>
    private async Task<CallResult> EndAsync(CallRecord record, Stopwatch watch, GatewayError error)
    {
        var ended = record with
        {
            Status = error.Status, ErrorCode = error.Code, Outcome = error.Outcome, DurationMs = (int)watch.ElapsedMilliseconds,
        };
        await _ledger.LogRefusalAsync(ended, CancellationToken.None);
        _metrics.Ended(ended, watch.Elapsed);
        // A new log row (and the hour's refused count) is a change to the client's usage for open views, as a charge is.
        if (ended.ClientName is { } client) _usage.Touch(client);
        return CallResult.Refused(error);
    }

    /// <summary>The models the key's client can use now (<c>/v1/models</c>; not a model call, so not logged).</summary>
    public async Task<(IReadOnlyList<ModelDefinition> Models, GatewayError? Error)> ListModelsAsync(string? bearer, CancellationToken ct)
    {
        var caller = await _keys.FindAsync(bearer, ct);
        if (caller is null) return ([], GatewayError.InvalidKey());
        if (CallAdmission.CheckCaller(caller, _clock.GetUtcNow()) is { } refused) return ([], refused);
        var models = await _admission.ModelsAsync(caller, ct);
        return ([.. models.Where(m => m.Status != AccessStatus.NeedsConsent).Select(m => m.Model)], null);
    }

    /// <summary>The built-in model answers each operation its own way; every other model through its endpoints.</summary>
    private IAnswerer AnswererFor(AdmittedCall call) => call.Model.IsBuiltInDummy ? call.Request.BuiltIn : _upstream;

    [LoggerMessage(Level = LogLevel.Error, Message = "Model call {RequestId} failed unexpectedly")]
    private static partial void LogFault(ILogger logger, Exception e, string requestId);
}

/// <summary>
/// A call as its endpoint read it: the request, or the problem that stopped the reading, and the model the body named
/// (kept for the log row even when the body was refused after naming it).
/// </summary>
public sealed record CallInput(ModelRequest? Request, GatewayError? Problem, string? NamedModel = null)
{
    /// <summary>The model for the log row: the request's, else the one named, else none (<c>""</c>).</summary>
    public string Model => Request?.Model ?? NamedModel ?? "";
}

/// <summary>How a call ended, for the endpoint: the outcome, and the error to report (null when answered).</summary>
public sealed record CallResult(CallOutcome Outcome, GatewayError? Error)
{
    public static CallResult Refused(GatewayError error) => new(error.Outcome, error);
}

using System.Diagnostics;
using System.Diagnostics.Metrics;
using Lumen.Domain.Calls;
using Lumen.Infrastructure.Config;
using Lumen.Infrastructure.Ledger;

namespace Lumen.Infrastructure.Gateway;

/// <summary>
/// What a model call leaves in the metrics (§19): the OpenTelemetry GenAI names where one fits
/// (<c>gen_ai.server.request.duration</c>, <c>gen_ai.client.token.usage</c>), <c>lumen.*</c> for the rest. Labels stay
/// bounded: the model label is a model the config defines, else <c>(unknown)</c>, so callers cannot mint series by
/// sending names; the client is a label only when the operator asks (<c>Metrics:PerClient</c>).
/// </summary>
public sealed class GatewayMetrics
{
    public const string MeterName = UnidentifiedCalls.MeterName;
    public const string Duration = "gen_ai.server.request.duration";
    public const string TokenUsage = "gen_ai.client.token.usage";
    public const string Calls = "lumen.gateway.calls";
    public const string CoinsCharged = "lumen.gateway.coins_charged";
    public const string UnknownModel = "(unknown)";

    // The GenAI semantic conventions' advised buckets.
    private static readonly double[] DurationBuckets = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
    private static readonly long[] TokenBuckets = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];

    private readonly Histogram<double> _duration;
    private readonly Histogram<long> _tokens;
    private readonly Counter<long> _calls;
    private readonly Counter<double> _coins;
    private readonly ConfigState _config;
    private readonly bool _perClient;

    public GatewayMetrics(IMeterFactory meters, ConfigState config, bool perClient)
    {
        var meter = meters.Create(MeterName);
        _duration = meter.CreateHistogram(Duration, "s", "Time from a model call's arrival to its end, answered or not",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _tokens = meter.CreateHistogram(TokenUsage, "{token}", "Tokens charged per model call, by gen_ai.token.type",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = TokenBuckets });
        _calls = meter.CreateCounter<long>(Calls, "{call}", "Model calls by outcome (the words of SPEC §15)");
        _coins = meter.CreateCounter<double>(CoinsCharged, "{coin}", "Coins charged for model calls");
        _config = config;
        _perClient = perClient;
    }

    /// <summary>A call that ended, as logged (its client's name is null when its key did not match).</summary>
    public void Ended(CallRecord call, TimeSpan elapsed)
    {
        if (!_calls.Enabled && !_duration.Enabled) return; // nobody listens (Metrics:Enabled=false): no label work
        var tags = new TagList
        {
            { "gen_ai.operation.name", call.Operation },
            { "gen_ai.request.model", ModelLabel(call.Model) },
        };
        if (_perClient && call.ClientName is not null) tags.Add("lumen.client", call.ClientName);
        var outcome = call.Outcome.Word();
        var counted = tags;
        counted.Add("lumen.outcome", outcome);
        _calls.Add(1, counted);
        if (call.Outcome != CallOutcome.Ok) tags.Add("error.type", outcome);
        _duration.Record(elapsed.TotalSeconds, tags);
        if (!call.Outcome.IsCharged()) return;

        _coins.Add(call.CoinsMicros / 1_000_000.0, tags);
        var input = tags;
        input.Add("gen_ai.token.type", "input");
        _tokens.Record(call.InputTokens, input);
        var output = tags;
        output.Add("gen_ai.token.type", "output");
        _tokens.Record(call.OutputTokens, output);
    }

    private string ModelLabel(string model) =>
        model.Length > 0 && _config.InForce?.Models.Defines(model) == true ? model : UnknownModel;
}

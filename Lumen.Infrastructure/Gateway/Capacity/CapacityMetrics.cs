using System.Diagnostics.Metrics;
using Lumen.Infrastructure.Config;
using Lumen.Infrastructure.Gateway.Upstream;

namespace Lumen.Infrastructure.Gateway.Capacity;

/// <summary>
/// §20's capacity metrics by model, read from the config in force at each scrape: <c>lumen_model_calls_in_flight</c>
/// (this instance's calls at the model's endpoints), <c>lumen_model_calls_waiting</c> (in its queue here) and the
/// histogram <c>lumen_model_queue_wait_seconds</c> (each call of a capped model, from arrival to its slot or giving up).
/// </summary>
public sealed class CapacityMetrics
{
    public const string InFlight = "lumen.model.calls_in_flight";
    public const string Waiting = "lumen.model.calls_waiting";
    public const string QueueWait = "lumen.model.queue_wait";

    private static readonly double[] WaitBuckets = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60];

    private readonly Histogram<double> _wait;

    public CapacityMetrics(IMeterFactory meters, ConfigState config, EndpointHealth health, Func<string, int> waiting)
    {
        var meter = meters.Create(GatewayMetrics.MeterName);
        _wait = meter.CreateHistogram(QueueWait, "s", "Time a call of a model with max_concurrent waited for a slot",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = WaitBuckets });
        meter.CreateObservableGauge(InFlight, () => Observe(config, m => Sum(health, m)), "{call}", "Calls in flight at a model's endpoints from this instance");
        meter.CreateObservableGauge(Waiting, () => Observe(config, m => waiting(m.Name)), "{call}", "Calls waiting in a model's queue on this instance");
    }

    internal void Waited(string model, TimeSpan waited) =>
        _wait.Record(waited.TotalSeconds, new KeyValuePair<string, object?>("gen_ai.request.model", model));

    private static IEnumerable<Measurement<int>> Observe(ConfigState config, Func<Domain.Models.ModelDefinition, int> value)
    {
        foreach (var model in config.InForce?.Models.All ?? [])
        {
            if (!model.Active || model.IsBuiltInDummy) continue;
            yield return new Measurement<int>(value(model), new KeyValuePair<string, object?>("gen_ai.request.model", model.Name));
        }
    }

    private static int Sum(EndpointHealth health, Domain.Models.ModelDefinition model) =>
        model.Endpoints.Sum(e => health.Of(model.Name, e).InFlight);
}

using System.Diagnostics.Metrics;
using Lumen.Infrastructure.Config;

namespace Lumen.Infrastructure.Gateway.Upstream;

/// <summary>
/// <c>lumen_endpoint_up{gen_ai_request_model, lumen_endpoint}</c> (§20): 1 while an endpoint takes calls (up, or not
/// probed yet), 0 while down; the endpoint is its index in the model's list, so no URL (nor a key in one) is a label.
/// Read from the config in force at each scrape, so an endpoint removed by a reload leaves no series behind.
/// </summary>
public sealed class EndpointMetrics
{
    public const string Up = "lumen.endpoint.up";

    public EndpointMetrics(IMeterFactory meters, ConfigState config, EndpointHealth health)
    {
        var meter = meters.Create(GatewayMetrics.MeterName);
        meter.CreateObservableGauge(Up, () => Observe(config, health), unit: null,
            "1 while a model's endpoint takes calls (up or not yet probed), 0 while it is down");
    }

    private static IEnumerable<Measurement<int>> Observe(ConfigState config, EndpointHealth health)
    {
        foreach (var model in config.InForce?.Models.All ?? [])
        {
            if (!model.Active) continue;
            for (var i = 0; i < model.Endpoints.Count; i++)
            {
                yield return new Measurement<int>(health.Of(model.Name, model.Endpoints[i]).TakesCalls ? 1 : 0,
                    new KeyValuePair<string, object?>("gen_ai.request.model", model.Name),
                    new KeyValuePair<string, object?>("lumen.endpoint", i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }
        }
    }
}

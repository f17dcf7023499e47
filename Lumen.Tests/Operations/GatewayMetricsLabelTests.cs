using System.Diagnostics.Metrics;
using Lumen.Tests.Gateway;
using Lumen.Domain.Calls;
using Lumen.Infrastructure.Config;
using Lumen.Infrastructure.Gateway;
using Lumen.Infrastructure.Ledger;
using Lumen.Tests.Portal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Lumen.Tests.Operations;

/// <summary>
/// The labels of the call metrics: the client only when asked for (<c>Metrics:PerClient</c>). In the gateway's
/// collection, never beside it: a meter provider hears every meter of a name in the process, so a host scraped while
/// this runs would show its per-client series.
/// </summary>
[Collection(GatewayTestGroup.Name)]
public sealed class GatewayMetricsLabelTests
{
    [Theory]
    [InlineData(false, null)]
    [InlineData(true, "research-bot")]
    public void The_client_is_a_label_only_with_metrics_per_client(bool perClient, string? expected)
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        var config = new ConfigState("/config.yaml", new ConfigLoadResult(SampleConfig.Config(), [], []));
        var metrics = new GatewayMetrics(meters, config, perClient);
        using var calls = new MetricCollector<long>(meters, GatewayMetrics.MeterName, GatewayMetrics.Calls);
        using var coins = new MetricCollector<double>(meters, GatewayMetrics.MeterName, GatewayMetrics.CoinsCharged);

        metrics.Ended(new CallRecord(1, 1, "dummy", 200, null, 10, 5, 2_500_000, 3, CallOutcome.Ok, ClientName: "research-bot"),
            TimeSpan.FromMilliseconds(3));

        calls.LastMeasurement!.Tags.GetValueOrDefault("lumen.client").Should().Be(expected);
        coins.LastMeasurement!.Value.Should().Be(2.5);
        coins.LastMeasurement.Tags.GetValueOrDefault("lumen.client").Should().Be(expected);
    }
}

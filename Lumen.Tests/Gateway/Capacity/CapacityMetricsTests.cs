using System.Net;
using System.Diagnostics.Metrics;
using Lumen.Infrastructure.Gateway;
using Lumen.Infrastructure.Gateway.Capacity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Lumen.Tests.Gateway.Capacity;

/// <summary>§20's metrics, read from the host's own meters, and failover between capped endpoints.</summary>
public sealed class CapacityMetricsTests
{
    [Fact]
    public async Task Calls_in_flight_and_waiting_are_gauges_and_every_call_of_a_capped_model_is_timed_in_the_queue_histogram()
    {
        await using var host = await CapacityHost.StartAsync(1);
        using var waits = new MetricCollector<double>(host.Services.GetRequiredService<IMeterFactory>(), GatewayMetrics.MeterName, CapacityMetrics.QueueWait);
        host.Endpoint.Close();
        var calls = new List<Task<HttpResponseMessage>> { host.CallAsync(host.AlphaKey, "first") };
        await CapacityHost.UntilAsync(() => host.Endpoint.InFlight == 1, "the first call at the endpoint");
        calls.Add(host.CallAsync(host.BetaKey, "second"));
        await CapacityHost.UntilAsync(() => host.Waiting == 1, "the second call to wait");

        host.Gauge(CapacityMetrics.InFlight, host.Model).Should().Be(1);
        host.Gauge(CapacityMetrics.Waiting, host.Model).Should().Be(1);
        host.Endpoint.Open();
        (await Task.WhenAll(calls)).Select(r => r.StatusCode).Should().AllBeEquivalentTo(HttpStatusCode.OK);

        host.Gauge(CapacityMetrics.Waiting, host.Model).Should().Be(0);
        var timed = waits.GetMeasurementSnapshot().Where(m => (string?)m.Tags["gen_ai.request.model"] == host.Model).ToList();
        timed.Should().HaveCount(2, "both calls are timed, the one that took its slot at once too");
        timed.Max(m => m.Value).Should().BeGreaterThan(0);
        waits.Instrument!.Unit.Should().Be("s", "Prometheus names it lumen_model_queue_wait_seconds");
    }

    [Fact]
    public async Task A_call_that_cannot_reach_a_capped_endpoint_gives_its_slot_back_and_waits_for_the_next_endpoint()
    {
        await using var host = await CapacityHost.StartAsync(1);
        // Up at the probe at start, then stopped: calls find nothing listening there.
        await CapacityHost.UntilAsync(() => host.Health(host.Spare, 0).LastProbed is not null, "the probe at start");
        await host.Doomed.DisposeAsync();
        host.Endpoint.Close();
        // One call ends up held at the live endpoint and the other waiting for it, whichever endpoint each tried first.
        var calls = new[] { host.CallAsync(host.AlphaKey, host.Spare, "one"), host.CallAsync(host.AlphaKey, host.Spare, "two") };
        await CapacityHost.UntilAsync(() => host.Endpoint.InFlight == 1 && host.WaitingFor(host.Spare) == 1, "one call held, one waiting");

        var refusing = host.Health(host.Spare, 0);
        refusing.LastError.Should().Be("a call: could not connect", "a call was sent to the endpoint nobody listens at");
        refusing.InFlight.Should().Be(0, "that call gave its slot back");
        host.Endpoint.Open();
        (await Task.WhenAll(calls)).Select(r => r.StatusCode).Should().AllBeEquivalentTo(HttpStatusCode.OK);
        host.Endpoint.Arrivals.Should().BeEquivalentTo("one", "two");
    }
}

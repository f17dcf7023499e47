using System.Net;
using System.Text.Json.Nodes;
using Lumen.Infrastructure.Gateway.Upstream;

namespace Lumen.Tests.Gateway.Endpoints;

/// <summary>§20's health and failover against real model servers on loopback ports: what marks an endpoint down, what
/// does not, and what a caller gets meanwhile.</summary>
public sealed class EndpointHealthTests(EndpointsHost host) : IClassFixture<EndpointsHost>
{
    [Fact]
    public async Task With_one_endpoint_refusing_connections_every_call_is_answered_by_the_live_one_exactly_once()
    {
        await host.StartProbeDoneAsync("failover", endpoints: 2);
        host.Health("failover", 0).State.Should().Be(EndpointState.Up, "the first server was up when probed");
        await host.Doomed.DisposeAsync(); // now it refuses connections, but health still says up

        for (var i = 0; i < 50; i++)
        {
            using var response = await host.CallAsync("failover");
            response.StatusCode.Should().Be(HttpStatusCode.OK, $"call {i + 1} is sent on to the live endpoint");
        }

        host.ModelServer.Calls("live").Should().Be(50, "each call reached the live endpoint once, never twice");
        host.Doomed.Calls("gone").Should().Be(0);
        host.Health("failover", 0).State.Should().Be(EndpointState.Down, "three calls in a row could not connect");
        host.Health("failover", 0).LastError.Should().Contain("could not connect");
    }

    [Fact]
    public async Task An_endpoint_answering_503_three_times_is_down_until_a_good_probe()
    {
        await host.StartProbeDoneAsync("wobbly");
        host.ModelServer.CallStatus["wobbly"] = 503;

        for (var i = 0; i < EndpointHealth.FailuresToDown; i++)
        {
            host.Health("wobbly").State.Should().Be(EndpointState.Up, $"after {i} failures");
            using var failed = await host.CallAsync("wobbly");
            failed.StatusCode.Should().Be(HttpStatusCode.BadGateway);
        }
        host.Health("wobbly").State.Should().Be(EndpointState.Down);
        using (var refused = await host.CallAsync("wobbly"))
        {
            await ShouldBeUnavailableAsync(refused);
        }
        host.ModelServer.Calls("wobbly").Should().Be(EndpointHealth.FailuresToDown, "a down endpoint gets no calls");

        host.ModelServer.CallStatus["wobbly"] = 200;
        await host.ProbeNowAsync();

        host.Health("wobbly").State.Should().Be(EndpointState.Up, "it is back on its first good probe");
        using var answered = await host.CallAsync("wobbly");
        answered.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task An_endpoint_answering_500_is_not_marked_down_by_calls_but_is_probed()
    {
        await host.StartProbeDoneAsync("erring");
        host.ModelServer.CallStatus["erring"] = 500;
        var probesBefore = host.ModelServer.Probes("erring").Count;

        for (var i = 0; i < 2 * EndpointHealth.FailuresToDown; i++)
        {
            using var failed = await host.CallAsync("erring");
            failed.StatusCode.Should().Be(HttpStatusCode.BadGateway, $"call {i + 1} reached the server, which answered 500");
        }

        host.ModelServer.Calls("erring").Should().Be(2 * EndpointHealth.FailuresToDown);
        host.Health("erring").State.Should().Be(EndpointState.Up, "one caller's bad request must not take a server down");
        await PollAsync(() => host.ModelServer.Probes("erring").Count > probesBefore, "a 500 asks for a probe");
        host.Health("erring").State.Should().Be(EndpointState.Up, "its probe answered 200");
    }

    [Fact]
    public async Task A_probe_answered_401_marks_the_endpoint_down_and_one_answered_404_up()
    {
        await host.StartProbeDoneAsync("locked");
        await host.StartProbeDoneAsync("bare");

        host.Health("locked").State.Should().Be(EndpointState.Down);
        host.Health("locked").LastError.Should().Contain("401");
        host.Health("bare").State.Should().Be(EndpointState.Up, "404: the server is there without a model list");
        using var refused = await host.CallAsync("locked");
        await ShouldBeUnavailableAsync(refused);
        host.ModelServer.Calls("locked").Should().Be(0);
    }

    [Fact]
    public async Task The_probe_carries_the_endpoints_key()
    {
        await host.ProbeNowAsync();

        host.ModelServer.Probes("keyed").Should().NotBeEmpty()
            .And.OnlyContain(p => p.Authorization == $"Bearer {EndpointsHost.EndpointKey}");
        host.ModelServer.Probes("bare").Should().NotBeEmpty().And.OnlyContain(p => p.Authorization == "", "an endpoint without a key sends none");
    }

    [Fact]
    public async Task With_every_endpoint_down_a_call_gets_503_at_once_and_reaches_no_endpoint()
    {
        await host.StartProbeDoneAsync("dark", endpoints: 2);

        using var refused = await host.CallAsync("dark");

        var body = await ShouldBeUnavailableAsync(refused);
        body["error"]!["message"]!.GetValue<string>().Should().Contain("every endpoint is down");
        (host.ModelServer.Calls("dark-1") + host.ModelServer.Calls("dark-2")).Should().Be(0, "nothing was sent, so nothing was waited for");
    }

    private static async Task<JsonObject> ShouldBeUnavailableAsync(HttpResponseMessage response)
    {
        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        body["error"]!["code"]!.GetValue<string>().Should().Be("upstream_unavailable");
        body["error"]!["type"]!.GetValue<string>().Should().Be("upstream_error");
        var retryAfter = response.Headers.RetryAfter?.Delta;
        retryAfter.Should().NotBeNull("§20: Retry-After says when the next probe is");
        retryAfter!.Value.Should().BeGreaterThan(TimeSpan.Zero).And.BeLessThanOrEqualTo(TimeSpan.FromHours(1), "the next round is within the interval");
        return body;
    }

    private static async Task PollAsync(Func<bool> condition, string because)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Not seen within 20 s: {because}.");
            await Task.Delay(20);
        }
    }
}

using System.Globalization;
using System.Net;
using Lumen.Infrastructure.Gateway.Capacity;

namespace Lumen.Tests.Gateway.Capacity;

/// <summary>§20's capacity and turns, against a real model server that counts its calls in flight.</summary>
public sealed class FairQueueTests
{
    [Fact]
    public async Task A_client_with_one_call_waiting_is_served_within_two_turns_of_a_client_with_forty_and_the_cap_holds()
    {
        await using var host = await CapacityHost.StartAsync(2);
        host.Endpoint.Close();
        var calls = new List<Task<HttpResponseMessage>>();
        for (var i = 0; i < 40; i++)
        {
            // One by one: each is at the endpoint or in the queue before the next is sent, so their order is known.
            var tag = $"A{i:00}";
            calls.Add(host.CallAsync(host.AlphaKey, tag));
            var arrived = i + 1;
            await CapacityHost.UntilAsync(() => host.Endpoint.Arrivals.Count + host.Waiting == arrived, $"{tag} to reach the endpoint or wait");
        }
        await CapacityHost.UntilAsync(() => host.Gauge(CapacityMetrics.Waiting, host.Model) == 38, "lumen_model_calls_waiting to show A's 38 waiting");

        var beta = host.CallAsync(host.BetaKey, "B");
        await CapacityHost.UntilAsync(() => host.Waiting == 39, "B to wait");
        host.Endpoint.Open();
        var answers = await Task.WhenAll([.. calls, beta]);

        answers.Select(a => a.StatusCode).Should().AllBeEquivalentTo(HttpStatusCode.OK);
        host.Endpoint.Most.Should().Be(2, "the endpoint takes 2 calls at once, and the queue kept it busy");
        var order = host.Endpoint.Arrivals.ToList();
        var alpha = order.Where(t => t.StartsWith('A')).ToList();
        alpha.Should().BeEquivalentTo(Enumerable.Range(0, 40).Select(i => $"A{i:00}"));
        // Served oldest first. Two calls handed their slots at the same moment (both answers ended together) race each
        // other over HTTP to the endpoint, so neighbours may arrive swapped; no call arrives before one two places older.
        alpha.Select((tag, rank) => Math.Abs(int.Parse(tag[1..], CultureInfo.InvariantCulture) - rank)).Max()
            .Should().BeLessThanOrEqualTo(1, $"a client's own calls are served oldest first (arrived {string.Join(' ', alpha)})");
        order.IndexOf("B").Should().BeInRange(2, 4, "A00 and A01 were at the endpoint when B came; of A's 38 waiting, at most two go before it");
    }

    [Fact]
    public async Task A_model_without_max_concurrent_sends_every_call_at_once()
    {
        await using var host = await CapacityHost.StartAsync(null);
        host.Endpoint.Close();

        var calls = Enumerable.Range(0, 6).Select(i => host.CallAsync(host.AlphaKey, $"U{i}")).ToList();
        await CapacityHost.UntilAsync(() => host.Endpoint.InFlight == 6, "all six calls at the endpoint at once");
        host.Waiting.Should().Be(0);
        host.Endpoint.Open();

        (await Task.WhenAll(calls)).Select(a => a.StatusCode).Should().AllBeEquivalentTo(HttpStatusCode.OK);
    }
}

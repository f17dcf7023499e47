using System.Net;
using System.Text.Json;

namespace Lumen.Tests.Gateway.Capacity;

/// <summary>§20's ends of a wait: the queue's time bound, the caller hanging up, and a client's bound on waiting calls.</summary>
public sealed class QueueRefusalTests
{
    [Fact]
    public async Task A_call_that_finds_every_slot_taken_for_QueueSeconds_is_503_model_overloaded_refused_capacity_and_not_charged()
    {
        var (host, first) = await OneSlotHeldAsync(("Gateway:QueueSeconds", "1"));
        await using var _ = host;

        using var refused = await host.CallAsync(host.AlphaKey, "second");

        refused.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        await ShouldBeOverloadedAsync(refused);
        refused.Headers.RetryAfter?.Delta.Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(1));
        host.Endpoint.Open();
        (await first).StatusCode.Should().Be(HttpStatusCode.OK);
        var rows = await host.LogAsync("alpha", 2);
        rows.Should().HaveCount(2);
        rows.Should().ContainSingle(r => r.Outcome == "refused_capacity").Which
            .Should().Match<Lumen.Infrastructure.Persistence.RequestLogRow>(r => r.Status == 503 && r.ErrorCode == "model_overloaded" && r.CoinsMicros == 0 && r.InputTokens == 0);
        var answered = rows.Single(r => r.Outcome == "ok");
        answered.CoinsMicros.Should().BePositive();
        (await host.SpentMicrosAsync("alpha")).Should().Be(answered.CoinsMicros, "only the answered call is charged");
        host.Endpoint.Arrivals.Should().Equal("first");
    }

    [Fact]
    public async Task A_caller_that_hangs_up_while_waiting_is_client_closed_uncharged_and_frees_its_place()
    {
        var (host, first) = await OneSlotHeldAsync(("Gateway:MaxWaitingPerClient", "1"));
        await using var _ = host;
        using var hangUp = new CancellationTokenSource();
        var leaving = host.CallAsync(host.AlphaKey, "leaving", hangUp.Token);
        await CapacityHost.UntilAsync(() => host.Waiting == 1, "the second call to wait");

        await hangUp.CancelAsync();

        await FluentActions.Awaiting(() => leaving).Should().ThrowAsync<OperationCanceledException>();
        await CapacityHost.UntilAsync(() => host.Waiting == 0, "the call that hung up to leave the queue");
        var rows = await host.LogAsync("alpha", 1);
        rows.Should().ContainSingle().Which.Should().Match<Lumen.Infrastructure.Persistence.RequestLogRow>(r =>
            r.Outcome == "client_closed" && r.Status == 499 && r.CoinsMicros == 0 && r.InputTokens == 0 && r.OutputTokens == 0);
        // Its place is free: with at most one call waiting per client, another may wait now.
        var third = host.CallAsync(host.AlphaKey, "third");
        await CapacityHost.UntilAsync(() => host.Waiting == 1, "a new call to wait in the freed place");
        host.Endpoint.Open();
        (await first).StatusCode.Should().Be(HttpStatusCode.OK);
        (await third).StatusCode.Should().Be(HttpStatusCode.OK);
        host.Endpoint.Arrivals.Should().Equal("first", "third");
        var all = await host.LogAsync("alpha", 3);
        (await host.SpentMicrosAsync("alpha")).Should().Be(all.Where(r => r.Outcome == "ok").Sum(r => r.CoinsMicros));
    }

    [Fact]
    public async Task A_call_over_MaxWaitingPerClient_is_refused_at_once_while_the_others_wait_and_another_client_may_still_queue()
    {
        var (host, held) = await OneSlotHeldAsync(("Gateway:MaxWaitingPerClient", "2"));
        await using var _ = host;
        var waiting = new[] { host.CallAsync(host.AlphaKey, "w1"), host.CallAsync(host.AlphaKey, "w2") };
        await CapacityHost.UntilAsync(() => host.Waiting == 2, "two calls to wait");

        using var over = await host.CallAsync(host.AlphaKey, "over");

        over.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        var message = await ShouldBeOverloadedAsync(over);
        message.Should().Contain("alpha").And.Contain("2 calls waiting");
        host.Waiting.Should().Be(2, "the refusal came at once, while the two before it still waited");
        var beta = host.CallAsync(host.BetaKey, "beta");
        await CapacityHost.UntilAsync(() => host.Waiting == 3, "another client's call to wait");
        host.Endpoint.Open();
        (await Task.WhenAll([held, .. waiting, beta])).Select(a => a.StatusCode).Should().AllBeEquivalentTo(HttpStatusCode.OK);
        (await host.LogAsync("alpha", 4)).Should().ContainSingle(r => r.Outcome == "refused_capacity");
    }

    /// <summary>A host whose model has one slot, taken by alpha's call <c>first</c>, held at the endpoint until the test opens it.</summary>
    private static async Task<(CapacityHost Host, Task<HttpResponseMessage> First)> OneSlotHeldAsync(params (string Key, string Value)[] settings)
    {
        var host = await CapacityHost.StartAsync(1, settings);
        host.Endpoint.Close();
        var first = host.CallAsync(host.AlphaKey, "first");
        await CapacityHost.UntilAsync(() => host.Endpoint.InFlight == 1, "the first call at the endpoint");
        return (host, first);
    }

    private static async Task<string> ShouldBeOverloadedAsync(HttpResponseMessage response)
    {
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = body.RootElement.GetProperty("error");
        error.GetProperty("type").GetString().Should().Be("upstream_error");
        error.GetProperty("code").GetString().Should().Be("model_overloaded");
        return error.GetProperty("message").GetString()!;
    }
}

using System.Text;
using OpenAI.Chat;
using static Lumen.Tests.Gateway.GatewayAssertions;

namespace Lumen.Tests.Gateway;

/// <summary>
/// §15's table, row by row, and every way an upstream can misbehave: each over real HTTP against the fake upstream on
/// a loopback port, asserting the status (or the in-band error), OpenAI's error shape, the charge, and exactly one
/// log row with its outcome. The SDK sends what it can; raw HTTP what it would not.
/// </summary>
[Collection(GatewayTestGroup.Name)]
public sealed class GatewayContractTests(GatewayHost host)
{
    [Theory]
    [InlineData("stall-headers", 504, "upstream_timeout", "upstream_timeout")]  // headers never come
    [InlineData("stall-body", 504, "upstream_timeout", "upstream_timeout")]     // headers, then half a body and silence
    [InlineData("garbage", 502, "upstream_error", "upstream_error")]            // 200 with HTML
    [InlineData("liar-negative", 502, "upstream_error", "upstream_error")]      // usage below zero
    [InlineData("liar-fraction", 502, "upstream_error", "upstream_error")]      // usage not an integer
    [InlineData("liar-huge", 502, "upstream_error", "upstream_error")]          // usage above 10⁹
    [InlineData("liar-text", 502, "upstream_error", "upstream_error")]          // usage as a string
    [InlineData("huge", 502, "upstream_error", "upstream_error")]               // an answer over the cap
    [InlineData("flaky", 502, "upstream_error", "upstream_error")]              // 500
    [InlineData("locked", 502, "upstream_error", "upstream_error")]             // the upstream refuses our key
    [InlineData("offline", 503, "upstream_unavailable", "upstream_error")]      // nothing listens
    [InlineData("noroute", 404, "model_not_found", "upstream_error")]           // the upstream does not serve the path
    public async Task A_misbehaving_upstream_is_an_error_in_our_words_logged_once_and_not_charged(string model, int status, string code, string outcome)
    {
        var client = await host.NewClientAsync();

        var body = await client.Chat(model).RefusedAsync(status, code);

        body["type"]!.GetValue<string>().Should().Be(status == 404 ? "invalid_request_error" : "upstream_error");
        var message = body["message"]!.GetValue<string>();
        message.Should().Contain($"'{model}'").And.NotContain("127.0.0.1").And.NotContain(host.Upstream.BaseUrl)
            .And.NotContain("sk-upstream-secret").And.NotContain("Exception");
        if (model == "noroute") message.Should().Contain("chat");
        await AssertLoggedOnceAndNotChargedAsync(client, status, code, outcome);
    }

    [Theory]
    [InlineData("stall-stream", 504, "upstream_timeout", "upstream_timeout")]   // silent longer than Gateway:StreamIdleSeconds
    [InlineData("stall-trickle", 504, "upstream_timeout", "upstream_timeout")]  // never silent, but longer than the whole-answer bound
    [InlineData("liar-negative", 502, "upstream_error", "upstream_error")]
    [InlineData("liar-huge", 502, "upstream_error", "upstream_error")]
    [InlineData("huge", 502, "upstream_error", "upstream_error")]
    public async Task A_stream_that_fails_after_it_began_ends_with_an_in_band_error_and_no_done(string model, int status, string code, string outcome)
    {
        var client = await host.NewClientAsync();

        var answer = await RawAnswer.PostAsync(host.BaseAddress, client.Key, RawAnswer.Chat(model, stream: true));

        answer.Status.Should().Be(200, "the stream had begun");
        answer.ShouldBeError("upstream_error", code);
        answer.Done.Should().BeFalse();
        answer.Events.Should().NotContain(e => e.Contains("prompt_tokens", StringComparison.Ordinal), "implausible usage is not passed on");
        await AssertLoggedOnceAndNotChargedAsync(client, status, code, outcome);
    }

    [Theory]
    [InlineData("stall-headers", 504, "upstream_timeout", "upstream_timeout")]
    [InlineData("garbage", 502, "upstream_error", "upstream_error")] // its first event is not JSON: nothing was passed on yet
    public async Task A_stream_that_fails_before_its_first_event_is_an_error_status(string model, int status, string code, string outcome)
    {
        var client = await host.NewClientAsync();

        var answer = await RawAnswer.PostAsync(host.BaseAddress, client.Key, RawAnswer.Chat(model, stream: true));

        answer.Status.Should().Be(status);
        answer.ShouldBeError("upstream_error", code);
        await AssertLoggedOnceAndNotChargedAsync(client, status, code, outcome);
    }

    [Fact]
    public async Task A_responses_stream_that_fails_after_it_began_ends_with_the_Responses_error_event()
    {
        var client = await host.NewClientAsync();

        var answer = await RawAnswer.PostAsync(host.BaseAddress, client.Key, """{"model":"stall-stream","stream":true,"input":"hi"}""", "/v1/responses");

        answer.Status.Should().Be(200, "the stream had begun");
        var last = System.Text.Json.Nodes.JsonNode.Parse(answer.Events[^1])!;
        (last["type"]!.GetValue<string>(), last["code"]!.GetValue<string>()).Should().Be(("error", "upstream_timeout"));
        last["message"]!.GetValue<string>().Should().Contain("silent");
        await AssertLoggedOnceAndNotChargedAsync(client, 504, "upstream_timeout", "upstream_timeout");
    }

    [Fact]
    public async Task An_upstream_429_passes_on_with_its_Retry_After_and_none_of_its_words()
    {
        var client = await host.NewClientAsync();

        var answer = await RawAnswer.PostAsync(host.BaseAddress, client.Key, RawAnswer.Chat("busy"));
        var sdk = await client.Chat("busy").RefusedAsync(429, "upstream_rate_limited");

        answer.Status.Should().Be(429);
        answer.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(7));
        answer.ShouldBeError("rate_limit_error", "upstream_rate_limited")["message"]!.GetValue<string>().Should().NotContain("10.1.2.3");
        sdk["type"]!.GetValue<string>().Should().Be("rate_limit_error");
        var log = await client.LogAsync(2);
        log.Should().HaveCount(2).And.OnlyContain(r => r.Status == 429 && r.ErrorCode == "upstream_rate_limited" && r.Outcome == "upstream_error");
        (await client.PoolAsync()).CoinsSpentMicros.Should().Be(0);
    }

    [Fact]
    public async Task A_request_the_upstream_refuses_is_a_400_with_its_reason()
    {
        var client = await host.NewClientAsync();

        var body = await client.Chat("reject").RefusedAsync(400, "invalid_request");

        body["type"]!.GetValue<string>().Should().Be("invalid_request_error");
        body["message"]!.GetValue<string>().Should().Contain(FakeUpstream.RejectMessage);
        await AssertLoggedOnceAndNotChargedAsync(client, 400, "invalid_request", "invalid_request");
    }

    [Fact]
    public async Task An_upstream_error_body_that_stalls_is_read_only_within_the_bound()
    {
        var client = await host.NewClientAsync();
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var body = await client.Chat("stall-reject").RefusedAsync(400, "invalid_request");

        watch.Elapsed.Should().BeLessThan(FakeUpstream.Stall / 2, "the error body is read within the whole-answer bound, not the upstream's stall");
        body["message"]!.GetValue<string>().Should().Contain("refused the request");
        await AssertLoggedOnceAndNotChargedAsync(client, 400, "invalid_request", "invalid_request");
    }

    [Fact]
    public async Task A_caller_that_abandons_a_stalled_stream_is_logged_as_client_closed_and_charged_what_it_was_sent()
    {
        var client = await host.NewClientAsync();
        using var http = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 });
        var received = new StringBuilder();

        await foreach (var update in host.Sdk(client.Key, http).GetChatClient("stall-stream").CompleteChatStreamingAsync(Hello))
        {
            foreach (var part in update.ContentUpdate) received.Append(part.Text);
            if (received.Length > 0) break; // the first words came; then the upstream went silent, and the caller gives up
        }

        var row = (await client.LogAsync(1)).Should().ContainSingle().Subject;
        var pool = await client.PoolAsync();
        (row.Status, row.ErrorCode, row.Outcome).Should().Be((499, "client_closed", "client_closed"));
        row.InputTokens.Should().BeGreaterThan(0, "the input was sent upstream");
        row.OutputTokens.Should().Be(Lumen.Infrastructure.Gateway.TokenEstimate.Of(FakeUpstream.Pieces[0]), "the output sent so far, by estimate");
        pool.CoinsSpentMicros.Should().Be(row.CoinsMicros).And.BeGreaterThan(0);
        pool.Requests.Should().Be(1);
    }

    [Fact]
    public async Task A_caller_that_leaves_before_any_answer_is_charged_its_input()
    {
        var client = await host.NewClientAsync();
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent(RawAnswer.Chat("stall-headers"), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", client.Key);
        using var leave = new CancellationTokenSource();
        var sent = host.Upstream.Requests.Count;

        // The caller leaves once its call is at the upstream (which holds back its headers), not after a fixed time: on a
        // loaded machine a fixed 300 ms could pass the gateway's 1 s upstream timeout before the leaving was noticed.
        var call = http.SendAsync(request, leave.Token);
        using (var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            while (host.Upstream.Requests.Count == sent) await Task.Delay(10, patience.Token);
        await leave.CancelAsync();

        await FluentActions.Awaiting(() => call).Should().ThrowAsync<OperationCanceledException>();
        var row = (await client.LogAsync(1)).Should().ContainSingle().Subject;
        (row.Status, row.Outcome, row.OutputTokens).Should().Be((499, "client_closed", 0L));
        row.InputTokens.Should().BeGreaterThan(0);
        (await client.PoolAsync()).CoinsSpentMicros.Should().Be(row.CoinsMicros);
    }

    private static async Task AssertLoggedOnceAndNotChargedAsync(TestClient client, int status, string code, string outcome)
    {
        var row = (await client.LogAsync(1)).Should().ContainSingle().Subject;
        (row.Status, row.ErrorCode, row.Outcome, row.CoinsMicros).Should().Be((status, code, outcome, 0L));
        row.RequestId.Should().StartWith("req_");
        var pool = await client.PoolAsync();
        (pool.Requests, pool.CoinsSpentMicros, pool.BalanceMicros).Should().Be((0L, 0L, 100_000_000L), "a failure is never charged");
    }
}

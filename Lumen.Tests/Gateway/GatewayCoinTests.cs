using System.ClientModel;
using Microsoft.EntityFrameworkCore;
using OpenAI.Chat;
using static Lumen.Tests.Gateway.GatewayAssertions;

namespace Lumen.Tests.Gateway;

/// <summary>§4 through the API: what a client pays, what its counters say and what the request log holds agree exactly.</summary>
[Collection(GatewayTestGroup.Name)]
public sealed class GatewayCoinTests(GatewayHost host)
{
    private const long Micros = 1_000_000;

    [Fact]
    public async Task Balance_counters_and_request_log_agree_exactly()
    {
        var client = await host.NewClientAsync();
        var chat = client.Chat("llama");

        for (var i = 0; i < 3; i++) await chat.CompleteChatAsync(Hello);
        for (var i = 0; i < 2; i++)
        {
            await foreach (var update in chat.CompleteChatStreamingAsync(Hello))
            {
                update.Should().NotBeNull();
            }
        }
        await client.Chat("banned").RefusedAsync(403, "model_not_allowed");
        await client.Chat("no-such-model").RefusedAsync(404, "model_not_found");

        var log = await client.LogAsync(7);
        var pool = await client.PoolAsync();
        var charged = log.Where(r => r.Status == 200).ToList();

        charged.Should().HaveCount(5).And.OnlyContain(r =>
            r.InputTokens == FakeUpstream.InputTokens && r.OutputTokens == FakeUpstream.OutputTokens
            && r.CoinsMicros == GatewayHost.UpstreamCallMicros && r.Model == "llama" && r.ApiKeyId == client.KeyId && r.ErrorCode == null);
        log.Where(r => r.Status != 200).Select(r => (r.Status, r.ErrorCode, r.Model, r.CoinsMicros, r.ApiKeyId)).Should().BeEquivalentTo(
            [(403, "model_not_allowed", "banned", 0L, (int?)client.KeyId), (404, "model_not_found", "no-such-model", 0L, (int?)client.KeyId)]);
        pool.Requests.Should().Be(5);
        pool.InputTokens.Should().Be(5 * FakeUpstream.InputTokens);
        pool.OutputTokens.Should().Be(5 * FakeUpstream.OutputTokens);
        pool.CoinsSpentMicros.Should().Be(5 * GatewayHost.UpstreamCallMicros).And.Be(charged.Sum(r => r.CoinsMicros));
        pool.BalanceMicros.Should().Be(100 * Micros - pool.CoinsSpentMicros);
    }

    [Fact]
    public async Task A_revoked_key_whose_secret_matches_is_logged_for_its_client()
    {
        var client = await host.NewClientAsync();
        await client.RevokeKeyAsync();

        await client.Chat("dummy").RefusedAsync(401, "invalid_api_key");

        var row = (await client.LogAsync(1)).Should().ContainSingle("the key's holder proved it had the key (§15)").Subject;
        (row.Status, row.ErrorCode, row.Outcome, row.ApiKeyId, row.CoinsMicros).Should().Be((401, "invalid_api_key", "invalid_key", client.KeyId, 0L));
    }

    [Fact]
    public async Task An_unlimited_client_is_never_refused_and_still_counted()
    {
        var client = await host.NewClientAsync("unlimited");

        for (var i = 0; i < 4; i++) await client.Chat("llama").CompleteChatAsync(Hello);

        var log = await client.LogAsync(4);
        var pool = await client.PoolAsync();
        log.Should().HaveCount(4).And.OnlyContain(r => r.Status == 200);
        pool.Requests.Should().Be(4);
        pool.CoinsSpentMicros.Should().Be(4 * GatewayHost.UpstreamCallMicros);
    }

    [Fact]
    public async Task Calls_stop_when_the_balance_runs_out_and_the_last_one_may_overdraw()
    {
        // 200 micro-coins at 80 a call: 200 → 120 → 40 → -40, then refused.
        var client = await host.NewClientAsync("tiny");
        var chat = client.Chat("llama");

        for (var i = 0; i < 3; i++) await chat.CompleteChatAsync(Hello);
        await chat.RefusedAsync(429, "insufficient_quota");
        await client.Chat("dummy").RefusedAsync(429, "insufficient_quota");

        var log = await client.LogAsync(5);
        var pool = await client.PoolAsync();
        log.Select(r => r.Status).Should().Equal(200, 200, 200, 429, 429);
        log.Where(r => r.Status == 429).Should().OnlyContain(r => r.ErrorCode == "insufficient_quota" && r.CoinsMicros == 0);
        pool.BalanceMicros.Should().Be(-40);
        pool.Requests.Should().Be(3);
    }

    [Fact]
    public async Task A_concurrent_burst_overdraws_only_by_calls_in_flight_and_loses_no_charge()
    {
        var client = await host.NewClientAsync("tiny-burst");
        var chat = client.Chat("llama");

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            try
            {
                await chat.CompleteChatAsync(Hello);
                return 200;
            }
            catch (ClientResultException e)
            {
                return e.Status;
            }
        }));
        var succeeded = outcomes.Count(s => s == 200);

        outcomes.Should().OnlyContain(s => s == 200 || s == 429);
        // Refusal needs a balance ≤ 0, which takes at least 3 charged calls; with none refused, all 8 were in flight.
        succeeded.Should().BeInRange(3, 8);
        var log = await client.LogAsync(8);
        var pool = await client.PoolAsync();
        log.Count(r => r.Status == 200).Should().Be(succeeded);
        log.Count(r => r.Status == 429).Should().Be(8 - succeeded);
        pool.Requests.Should().Be(succeeded);
        pool.CoinsSpentMicros.Should().Be(succeeded * GatewayHost.UpstreamCallMicros);
        pool.BalanceMicros.Should().Be(200 - succeeded * GatewayHost.UpstreamCallMicros);
        await chat.RefusedAsync(429, "insufficient_quota");
    }

    [Fact]
    public async Task The_key_records_its_last_use()
    {
        var client = await host.NewClientAsync();
        var before = DateTime.UtcNow.AddSeconds(-1);

        await client.Chat("dummy").CompleteChatAsync(Hello);

        await client.LogAsync(1);
        await using var db = await host.DbAsync();
        var key = db.ApiKeys.Single(k => k.Id == client.KeyId);
        key.LastUsedAt.Should().NotBeNull().And.BeAfter(before);
    }
}

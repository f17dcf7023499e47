using System.Globalization;
using System.Text.Json.Nodes;
using Lumen.Domain.Budget;
using Lumen.Infrastructure.Clients;
using Lumen.Infrastructure.UseCases;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static Lumen.Tests.Gateway.GatewayAssertions;

namespace Lumen.Tests.Gateway;

/// <summary>
/// <c>GET /v1/me</c> (§15) for each budget state, at a fixed clock, against what the detail page's query says of the
/// same client at the same moment, to the micro-coin.
/// </summary>
public sealed class GatewayMeTests(FixedClockGateway gateway) : IClassFixture<FixedClockGateway>
{
    private readonly FakeTimeProvider _clock = gateway.Clock;
    private readonly GatewayHost _host = gateway.Host;

    [Theory]
    [InlineData("unlimited", 0, false)]   // max -2
    [InlineData("broke", 0, false)]       // max 0: blocked
    [InlineData("me-filling", 0, false)]  // 4 of 10, refilling 3.6 an hour
    [InlineData("me-full", 0, false)]     // at its cap
    [InlineData("me-debtor", 3, true)]    // overdrawn by three calls, refilling a micro-coin a second
    [InlineData("me-spent", 3, false)]    // overdrawn, and no refill: never usable again
    public async Task Me_tells_the_budget_now_as_the_detail_page_does(string name, int calls, bool usableLater)
    {
        var client = await _host.NewClientAsync(name);
        for (var i = 0; i < calls; i++) await client.Chat("llama").CompleteChatAsync(Hello);
        _clock.Advance(TimeSpan.FromSeconds(10));

        var me = await MeAsync(client.Key);
        var page = (await _host.Services.GetRequiredService<ClientDetailsQuery>().LoadAsync(Actor.Cli, name)).Unwrap();

        var budget = me["budget"]!;
        var pool = page.Pool;
        me["client"]!.GetValue<string>().Should().Be(name);
        (budget["unlimited"]!.GetValue<bool>(), budget["blocked"]!.GetValue<bool>())
            .Should().Be((pool.Budget.Kind == BudgetKind.Unlimited, pool.Budget.Kind == BudgetKind.Blocked));
        budget["max"]!.GetValue<decimal>().Should().Be(pool.Budget.Max.Value);
        budget["refresh_per_hour"]!.GetValue<decimal>().Should().Be(pool.Budget.RefreshPerHour.Value);
        if (pool.Budget.Kind == BudgetKind.Unlimited) budget["balance"].Should().BeNull();
        else budget["balance"]!.GetValue<decimal>().Should().Be(pool.Balance.Value, "exact to the micro-coin");
        Time(budget["full_at"]).Should().Be(pool.FullAt);
        var usableAt = pool.Budget.UsableAt(pool.Balance, _clock.GetUtcNow());
        Time(budget["usable_at"]).Should().Be(usableAt);
        (usableAt > _clock.GetUtcNow()).Should().Be(usableLater);
        var usage = me["usage"]!;
        (usage["requests"]!.GetValue<long>(), usage["coins_spent"]!.GetValue<decimal>()).Should().Be((pool.Requests, pool.CoinsSpent.Value));
        var models = me["models"]!.AsArray().Select(m => (m!["id"]!.GetValue<string>(), m["status"]!.GetValue<string>())).ToList();
        if (usableAt is null) models.Should().BeEmpty("as /v1/models: a budget that admits no call lists no model");
        else models.Should().Equal(page.Models.Where(m => m.Decision.IsAllowed || m.Decision.IsGraylisted)
            .Select(m => (m.Model, m.Decision.IsAllowed ? (m.Decision.Status == Lumen.Domain.Access.AccessStatus.Consented ? "consented" : "allowed") : "needs_consent")))
            .And.Contain(("dummy", "allowed"));
        me["key"]!["hint"]!.GetValue<string>().Should().Be(page.Keys.Single().Hint);
    }

    [Fact]
    public async Task Me_is_not_a_model_call_and_needs_a_good_key()
    {
        var client = await _host.NewClientAsync();

        await MeAsync(client.Key);
        var refused = await RawAnswer.GetAsync(_host.BaseAddress, client.Key + "x", "/v1/me");

        refused.Status.Should().Be(401);
        (await client.LogAsync()).Should().BeEmpty("/v1/me writes no request-log row");
    }

    private async Task<JsonNode> MeAsync(string key)
    {
        var answer = await RawAnswer.GetAsync(_host.BaseAddress, key, "/v1/me");
        answer.Status.Should().Be(200);
        return answer.Body!;
    }

    private static DateTimeOffset? Time(JsonNode? node) =>
        node is null ? null : DateTimeOffset.Parse(node.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}

/// <summary>A gateway whose clock stands still until a test moves it.</summary>
public sealed class FixedClockGateway : IAsyncLifetime, IDisposable
{
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero));

    public GatewayHost Host { get; }

    public FixedClockGateway() => Host = new GatewayHost(Clock);

    public Task InitializeAsync() => ((IAsyncLifetime)Host).InitializeAsync();

    public Task DisposeAsync() => ((IAsyncLifetime)Host).DisposeAsync();

    /// <summary>The host is stopped by <see cref="DisposeAsync"/>; this only satisfies the owner rule, and does nothing twice.</summary>
    public void Dispose() => Host.Dispose();
}

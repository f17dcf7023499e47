using Lumen.Domain.Budget;
using Lumen.Infrastructure.Persistence;
using Lumen.Tests.Infrastructure.Databases;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Tests.Infrastructure.Ledger;

/// <summary>§4: one atomic statement per charge, correct under concurrent calls and several portal instances.</summary>
[Collection("postgres")]
public sealed class ConcurrentChargeTests(PostgresServer postgres)
{
    private const int Calls = 64;
    private static readonly Coins Cost = 1.234567m;

    private static long InputTokens(int call) => 100 + call;
    private static long OutputTokens(int call) => 7 * call + 1;

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Sixty_four_concurrent_charges_are_all_counted(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var portal = new TestPortal(db);
        var client = await portal.CreateClientAsync("ledger");
        var key = await portal.CreateKeyAsync("ledger");
        portal.Clock.Advance(TimeSpan.FromMinutes(5));

        await Task.WhenAll(Enumerable.Range(0, Calls).Select(call => Task.Run(() =>
            portal.Ledger.ChargeAsync(client.Id, key.Id, "llama3", InputTokens(call), OutputTokens(call), Cost, 20))));

        await AssertChargedAsync(db, client.Id, key.Id, startingMicros: 1000_000000, portal.Clock.GetUtcNow());
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Charges_from_two_instances_interleaved_lose_nothing(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var first = new TestPortal(db);
        await using var second = new TestPortal(db);
        var client = await first.CreateClientAsync("ledger");
        var key = await second.CreateKeyAsync("ledger");

        // Even calls go to one instance, odd calls to the other, all started before any is awaited.
        await Task.WhenAll(Enumerable.Range(0, Calls).Select(call => Task.Run(() =>
            (call % 2 == 0 ? first : second).Ledger.ChargeAsync(
                client.Id, key.Id, "llama3", InputTokens(call), OutputTokens(call), Cost, 20))));

        await AssertChargedAsync(db, client.Id, key.Id, startingMicros: 1000_000000, TestPortal.Start);
        var pool = await second.Ledger.GetPoolAsync(client.Id);
        pool!.Balance.Should().Be(new Coins(1000m - Calls * Cost.Value));
        pool.Requests.Should().Be(Calls);
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Concurrent_charges_refill_the_pool_once_not_once_per_charge(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var first = new TestPortal(db);
        await using var second = new TestPortal(db);
        var client = await first.CreateClientAsync("ledger");
        var key = await first.CreateKeyAsync("ledger");
        var budget = new BudgetSettings(1000m, 1m, 0m);
        var stored = new PoolBalance(10m, TestPortal.Start.ToUnixTimeMilliseconds());
        await first.SetPoolAsync(client.Id, budget, stored);
        first.Clock.Advance(TimeSpan.FromHours(5));
        second.Clock.Advance(TimeSpan.FromHours(5));

        await Task.WhenAll(Enumerable.Range(0, Calls).Select(call => Task.Run(() =>
            (call % 2 == 0 ? first : second).Ledger.ChargeAsync(client.Id, key.Id, "llama3", 1, 1, Cost, 20))));

        var now = first.Clock.GetUtcNow();
        var refilled = budget.Refill(stored, now);
        refilled.Balance.Should().Be(new Coins(15m), "5 hours at 1 coin an hour");
        var row = await first.PoolRowAsync(client.Id);
        row.BalanceMicros.Should().Be(refilled.Balance.Micros - Calls * Cost.Micros);
        row.BalanceAsOfMs.Should().Be(refilled.AsOfMs);
        row.Requests.Should().Be(Calls);
    }

    private static async Task AssertChargedAsync(TestDatabase db, int clientId, int keyId, long startingMicros, DateTimeOffset now)
    {
        var calls = Enumerable.Range(0, Calls).ToList();
        await using var context = await db.Factory.CreateDbContextAsync();
        var pool = await context.CoinPools.AsNoTracking().SingleAsync(p => p.ClientId == clientId);
        pool.BalanceMicros.Should().Be(startingMicros - Calls * Cost.Micros);
        pool.Requests.Should().Be(Calls);
        pool.InputTokens.Should().Be(calls.Sum(InputTokens));
        pool.OutputTokens.Should().Be(calls.Sum(OutputTokens));
        pool.CoinsSpentMicros.Should().Be(Calls * Cost.Micros);

        var log = await context.RequestLog.AsNoTracking().Where(r => r.ClientId == clientId).ToListAsync();
        log.Should().HaveCount(Calls);
        log.Should().OnlyContain(r => r.ApiKeyId == keyId && r.Status == 200 && r.ErrorCode == null
            && r.CoinsMicros == Cost.Micros && r.Model == "llama3" && r.DurationMs == 20);
        log.Select(r => r.InputTokens).Should().BeEquivalentTo(calls.Select(InputTokens));
        log.Select(r => r.OutputTokens).Should().BeEquivalentTo(calls.Select(OutputTokens));

        var key = await context.ApiKeys.AsNoTracking().SingleAsync(k => k.Id == keyId);
        key.LastUsedAt.Should().NotBeNull();
        new DateTimeOffset(DateTime.SpecifyKind(key.LastUsedAt!.Value, DateTimeKind.Utc))
            .Should().BeCloseTo(now, TimeSpan.FromMilliseconds(1));
    }
}

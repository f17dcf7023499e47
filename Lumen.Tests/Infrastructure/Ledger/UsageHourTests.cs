using Lumen.Domain.Budget;
using Lumen.Domain.Calls;
using Lumen.Infrastructure.Persistence;
using Lumen.Infrastructure.Ledger;
using Lumen.Tests.Infrastructure.Databases;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Tests.Infrastructure.Ledger;

/// <summary>§16: hourly usage is written in the charge's own transaction, so it always adds up to the counters.</summary>
[Collection("postgres")]
public sealed class UsageHourTests(PostgresServer postgres)
{
    private static readonly Coins Cost = 0.5m;

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Hourly_rows_add_up_to_the_counters_by_hour_model_and_outcome(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var portal = new TestPortal(db);
        var client = await portal.CreateClientAsync("ledger");
        var key = await portal.CreateKeyAsync("ledger");
        portal.Clock.Advance(TimeSpan.FromMinutes(10)); // 09:10

        // In the 09:00 hour: 12 charges of one model and 5 of another, concurrently (so they share batches), 3 refusals.
        await Task.WhenAll(
            Enumerable.Range(0, 12).Select(i => Task.Run(() => portal.Ledger.ChargeAsync(Charge(client.Id, key.Id, "llama3", i))))
                .Concat(Enumerable.Range(0, 5).Select(i => Task.Run(() => portal.Ledger.ChargeAsync(Charge(client.Id, key.Id, "mistral", i)))))
                .Concat(Enumerable.Range(0, 3).Select(_ => Task.Run(() => portal.Ledger.LogRefusalAsync(Refusal(client.Id, key.Id, "llama3", CallOutcome.RefusedBudget))))));
        var afterNine = await portal.PoolRowAsync(client.Id);

        portal.Clock.Advance(TimeSpan.FromHours(1)); // 10:10
        await portal.Ledger.ChargeAsync(Charge(client.Id, key.Id, "llama3", 20));
        await portal.Ledger.LogRefusalAsync(Refusal(client.Id, key.Id, "made-up-1", CallOutcome.InvalidRequest) with { KnownModel = false });
        await portal.Ledger.LogRefusalAsync(Refusal(client.Id, key.Id, "made-up-2", CallOutcome.InvalidRequest) with { KnownModel = false });
        var afterTen = await portal.PoolRowAsync(client.Id);

        await using var context = await db.Factory.CreateDbContextAsync();
        var rows = await context.UsageHours.AsNoTracking().Where(u => u.ClientId == client.Id).ToListAsync();
        var nine = new DateTime(2026, 3, 1, 9, 0, 0, DateTimeKind.Utc);
        var ten = nine.AddHours(1);
        rows.Select(r => (r.Hour.ToUniversalTime(), r.Model, r.Outcome, r.Calls)).Should().BeEquivalentTo(new[]
        {
            (nine, "llama3", "ok", 12L), (nine, "mistral", "ok", 5L), (nine, "llama3", "refused_budget", 3L),
            (ten, "llama3", "ok", 1L), (ten, UsageHours.UnknownModel, "invalid_request", 2L),
        });

        // Charged rows add up to the pool's counters, and every row to the request log.
        var ok = rows.Where(r => r.Outcome == "ok").ToList();
        (ok.Sum(r => r.Calls), ok.Sum(r => r.InputTokens), ok.Sum(r => r.OutputTokens), ok.Sum(r => r.CoinsMicros))
            .Should().Be((afterTen.Requests, afterTen.InputTokens, afterTen.OutputTokens, afterTen.CoinsSpentMicros));
        var log = await context.RequestLog.AsNoTracking().Where(r => r.ClientId == client.Id).ToListAsync();
        (rows.Sum(r => r.Calls), rows.Sum(r => r.InputTokens), rows.Sum(r => r.CoinsMicros))
            .Should().Be((log.Count, log.Sum(r => r.InputTokens), log.Sum(r => r.CoinsMicros)));
        afterTen.Requests.Should().Be(18);

        // The day of charged calls, and every client's totals by hour and outcome (summed over the shards), say the same.
        var day = await context.UsageDays.AsNoTracking().SingleAsync(d => d.ClientId == client.Id);
        (day.Day.ToUniversalTime(), day.Calls, day.InputTokens, day.OutputTokens, day.CoinsMicros)
            .Should().Be((nine.Date, afterTen.Requests, afterTen.InputTokens, afterTen.OutputTokens, afterTen.CoinsSpentMicros));
        var totals = (await context.UsageTotalHours.AsNoTracking().ToListAsync())
            .GroupBy(t => (t.Hour.ToUniversalTime(), t.Outcome)).Select(g => (g.Key.Item1, g.Key.Outcome, g.Sum(t => t.Calls), g.Sum(t => t.CoinsMicros)));
        totals.Should().BeEquivalentTo(rows.GroupBy(r => (r.Hour.ToUniversalTime(), r.Outcome))
            .Select(g => (g.Key.Item1, g.Key.Outcome, g.Sum(r => r.Calls), g.Sum(r => r.CoinsMicros))));

        // The balance at the end of each hour is the pool's stored balance after that hour's last charge.
        var balances = await context.BalanceHours.AsNoTracking().Where(b => b.ClientId == client.Id).OrderBy(b => b.Hour).ToListAsync();
        balances.Select(b => (b.Hour.ToUniversalTime(), b.BalanceMicros, b.BalanceAsOfMs)).Should().Equal(
            (nine, afterNine.BalanceMicros, afterNine.BalanceAsOfMs), (ten, afterTen.BalanceMicros, afterTen.BalanceAsOfMs));
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task A_batch_across_an_hour_keeps_each_hours_balance(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var portal = new TestPortal(db);
        var client = await portal.CreateClientAsync("ledger");
        var key = await portal.CreateKeyAsync("ledger");
        await portal.SetPoolAsync(client.Id, new BudgetSettings(1000m, 0m, 0m), new PoolBalance(100m, TestPortal.Start.ToUnixTimeMilliseconds()));
        portal.Clock.Advance(TimeSpan.FromMinutes(59));

        // Two calls a minute apart, on either side of 10:00, charged together or not: each hour keeps its own balance.
        var first = portal.Ledger.ChargeAsync(Charge(client.Id, key.Id, "llama3", 0));
        portal.Clock.Advance(TimeSpan.FromMinutes(2));
        var second = portal.Ledger.ChargeAsync(Charge(client.Id, key.Id, "llama3", 0));
        await Task.WhenAll(first, second);

        await using var context = await db.Factory.CreateDbContextAsync();
        var balances = await context.BalanceHours.AsNoTracking().Where(b => b.ClientId == client.Id).OrderBy(b => b.Hour).ToListAsync();
        balances.Select(b => b.BalanceMicros).Should().Equal(100_000000 - Cost.Micros, 100_000000 - 2 * Cost.Micros);
        balances.Select(b => b.Hour.ToUniversalTime().Hour).Should().Equal(9, 10);
    }

    [Fact]
    public async Task Two_instances_charging_many_clients_at_once_lose_nothing()
    {
        await using var db = await postgres.CreateDatabaseAsync();
        await using var first = new TestPortal(db);
        await using var second = new TestPortal(db);
        var clients = new List<(int Id, int Key)>();
        for (var c = 0; c < 8; c++)
        {
            var client = await first.CreateClientAsync($"many-{c}");
            clients.Add((client.Id, (await first.CreateKeyAsync(client.Name)).Id));
        }

        // Each instance charges every client, in opposite orders, with refusals in between: each batch touches pools,
        // balances, days, hours and totals of many clients at once.
        await Task.WhenAll(Enumerable.Range(0, 400).Select(i => Task.Run(() =>
        {
            var (portal, (id, key)) = i % 2 == 0 ? (first, clients[i / 2 % 8]) : (second, clients[7 - i / 2 % 8]);
            return i % 5 == 0
                ? portal.Ledger.LogRefusalAsync(Refusal(id, key, "llama3", CallOutcome.RefusedBudget))
                : portal.Ledger.ChargeAsync(Charge(id, key, i % 3 == 0 ? "mistral" : "llama3", i));
        })));

        await using var context = await db.Factory.CreateDbContextAsync();
        var pools = await context.CoinPools.AsNoTracking().ToListAsync();
        var hours = await context.UsageHours.AsNoTracking().ToListAsync();
        pools.Sum(p => p.Requests).Should().Be(320);
        foreach (var pool in pools)
        {
            var ok = hours.Where(h => h.ClientId == pool.ClientId && h.Outcome == "ok").ToList();
            (ok.Sum(h => h.Calls), ok.Sum(h => h.InputTokens), ok.Sum(h => h.CoinsMicros)).Should().Be((pool.Requests, pool.InputTokens, pool.CoinsSpentMicros));
        }
        hours.Where(h => h.Outcome == "refused_budget").Sum(h => h.Calls).Should().Be(80);

        // The rows PostgreSQL writes many to a statement (days, totals, balances, keys' last use) agree as well.
        var days = await context.UsageDays.AsNoTracking().ToListAsync();
        var balances = await context.BalanceHours.AsNoTracking().ToListAsync();
        var keys = await context.ApiKeys.AsNoTracking().ToListAsync();
        foreach (var pool in pools)
        {
            days.Where(d => d.ClientId == pool.ClientId).Select(d => (d.Calls, d.InputTokens, d.CoinsMicros))
                .Should().Equal((pool.Requests, pool.InputTokens, pool.CoinsSpentMicros));
            // Every batch that charged the client wrote its balance row after its charge, so the last one is the pool's.
            balances.Where(b => b.ClientId == pool.ClientId).Select(b => (b.BalanceMicros, b.BalanceAsOfMs))
                .Should().Equal((pool.BalanceMicros, pool.BalanceAsOfMs));
        }
        var totals = await context.UsageTotalHours.AsNoTracking().ToListAsync();
        totals.Where(t => t.Outcome == "ok").Sum(t => t.Calls).Should().Be(320);
        totals.Where(t => t.Outcome == "refused_budget").Sum(t => t.Calls).Should().Be(80);
        keys.Should().HaveCount(8).And.OnlyContain(k => k.LastUsedAt == TestPortal.Start.UtcDateTime);
    }

    private static CallRecord Charge(int clientId, int keyId, string model, int i) =>
        new(clientId, keyId, model, 200, null, 10 + i, 2 * i + 1, Cost.Micros, 20);

    private static CallRecord Refusal(int clientId, int keyId, string model, CallOutcome outcome) =>
        new(clientId, keyId, model, 400, "refused", 0, 0, 0, 3, outcome);
}

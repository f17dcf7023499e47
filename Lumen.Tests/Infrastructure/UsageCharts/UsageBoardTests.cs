using Lumen.Domain.Budget;
using Lumen.Domain.Calls;
using Lumen.Infrastructure.Ledger;
using Lumen.Infrastructure.UsageCharts;
using Lumen.Infrastructure.UseCases;
using Lumen.Infrastructure.Persistence;
using Lumen.Tests.Infrastructure.Databases;

namespace Lumen.Tests.Infrastructure.UsageCharts;

/// <summary>§16 charts: what the board and a client's page show adds up to the counters, for whom §6 allows.</summary>
[Collection("postgres")]
public sealed class UsageBoardTests(PostgresServer postgres)
{
    private static readonly Actor ManagerOfA = new("a-manager@example.org");
    private static readonly Actor ManagerOfB = new("b-manager@example.org");

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Charts_add_up_exactly_to_the_counters_over_models_outcomes_and_days(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var portal = new TestPortal(db);
        var (a, b) = await TwoClientsAsync(portal);
        var board = portal.Get<UsageBoard>();

        // Three days ago: a's calls; today: a's and b's over two models, refusals, a caller that left, an unknown model.
        await CallsAsync(portal, a, ["llama3", "mistral"], 4);
        portal.Clock.Advance(TimeSpan.FromDays(3) + TimeSpan.FromMinutes(30));
        await CallsAsync(portal, a, ["llama3", "mistral"], 3);
        portal.Clock.Advance(TimeSpan.FromHours(2));
        await CallsAsync(portal, b, ["llama3"], 5);

        var poolA = await portal.PoolRowAsync(a.Client);
        var poolB = await portal.PoolRowAsync(b.Client);
        foreach (var window in Enum.GetValues<UsageWindow>())
        {
            var view = (await board.ForClientAsync(TestPortal.Admin, "alpha", window)).Unwrap();
            var all = view.Models.SelectMany(m => m.Usage).ToList();
            if (window == UsageWindow.Day)
            {
                // Only today's calls of a: 3 rounds × 2 models, charged (ok and client_closed) only.
                all.Sum(u => u.Requests).Should().Be(3 * 2 * 2);
                continue;
            }
            (all.Sum(u => u.Requests), all.Sum(u => u.InputTokens), all.Sum(u => u.OutputTokens), all.Sum(u => u.Coins.Micros))
                .Should().Be((poolA.Requests, poolA.InputTokens, poolA.OutputTokens, poolA.CoinsSpentMicros), $"the {window} window holds every call");
            view.Models.Select(m => m.Model).Should().Equal("llama3", "mistral"); // refusals of unknown models are not charged

            var boardView = (await board.ForClientsAsync(TestPortal.Admin, window)).Unwrap();
            (boardView.Usage.Sum(u => u.Requests), boardView.Usage.Sum(u => u.Coins.Micros))
                .Should().Be((poolA.Requests + poolB.Requests, poolA.CoinsSpentMicros + poolB.CoinsSpentMicros));
            boardView.Top.Select(t => (t.Name, t.Requests, t.Coins.Micros)).Should().Equal(
                new[] { ("alpha", poolA.Requests, poolA.CoinsSpentMicros), ("beta", poolB.Requests, poolB.CoinsSpentMicros) }
                    .OrderByDescending(t => t.Item3));
        }

        // The 24 hours: today's calls only, each in its own hour's bucket.
        var day = (await board.ForClientsAsync(TestPortal.Admin, UsageWindow.Day)).Unwrap();
        day.Buckets.Count.Should().Be(24);
        day.Usage.Sum(u => u.Requests).Should().Be(3 * 2 * 2 + 5 * 2);
        day.Usage[^1].Requests.Should().Be(5 * 2, "b's calls are in the current hour");
        day.Usage[^3].Requests.Should().Be(3 * 2 * 2, "a's calls today were two hours earlier");
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task A_manager_sees_only_their_clients_usage_and_a_stranger_none(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var portal = new TestPortal(db);
        var (a, b) = await TwoClientsAsync(portal);
        (await portal.Managers.AddAsync(Actor.Cli, "alpha", ManagerOfA.Email)).Unwrap();
        (await portal.Managers.AddAsync(Actor.Cli, "beta", ManagerOfB.Email)).Unwrap();
        await CallsAsync(portal, a, ["llama3"], 2);
        await CallsAsync(portal, b, ["llama3"], 7);
        var board = portal.Get<UsageBoard>();
        var poolA = await portal.PoolRowAsync(a.Client);

        var ofA = (await board.ForClientsAsync(ManagerOfA, UsageWindow.Day)).Unwrap();
        (ofA.Usage.Sum(u => u.Requests), ofA.Usage.Sum(u => u.Coins.Micros)).Should().Be((poolA.Requests, poolA.CoinsSpentMicros));
        ofA.Top.Select(t => t.Name).Should().Equal("alpha");
        foreach (var window in new[] { UsageWindow.Week, UsageWindow.Month })
            (await board.ForClientsAsync(ManagerOfA, window)).Unwrap().Top.Select(t => t.Name).Should().Equal("alpha");

        var ofBAskingA = await board.ForClientAsync(ManagerOfB, "alpha", UsageWindow.Day);
        ofBAskingA.Failure!.Kind.Should().Be(FailureKind.NotFound, "a manager of B gets nothing of A, as for an unknown name");
        (await board.ForClientAsync(ManagerOfB, "beta", UsageWindow.Day)).Succeeded.Should().BeTrue();
        (await board.ForClientsAsync(TestPortal.Stranger, UsageWindow.Day)).Failure!.Kind.Should().Be(FailureKind.Forbidden);
        (await board.ForClientAsync(TestPortal.Stranger, "alpha", UsageWindow.Day)).Failure!.Kind.Should().Be(FailureKind.NotFound);
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task The_balance_line_refills_between_charges_and_ends_at_the_pools_balance_now(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var portal = new TestPortal(db);
        var (a, _) = await TwoClientsAsync(portal);
        // 10 coins an hour up to 1,000; 500 at 09:00.
        await portal.SetPoolAsync(a.Client, new BudgetSettings(1000m, 10m, 0m), new PoolBalance(500m, TestPortal.Start.ToUnixTimeMilliseconds()));
        portal.Clock.Advance(TimeSpan.FromMinutes(30)); // 09:30: charge 40 coins
        await portal.Ledger.ChargeAsync(new CallRecord(a.Client, a.Key, "llama3", 200, null, 1, 1, 40_000000, 5));
        portal.Clock.Advance(TimeSpan.FromHours(3)); // 12:30

        var view = (await (portal.Get<UsageBoard>()).ForClientAsync(TestPortal.Admin, "alpha", UsageWindow.Day)).Unwrap();
        var byEnd = view.Balance.SkipLast(1).Where(p => p.Balance is not null).ToDictionary(p => p.At.UtcDateTime.Hour, p => p.Balance!.Value.Value);
        // 500 + 5 (refill to 09:30) - 40 = 465 at 09:30; then 10 an hour.
        byEnd[10].Should().Be(470m);
        byEnd[11].Should().Be(480m);
        byEnd[12].Should().Be(490m);
        view.Balance[^1].At.Should().Be(portal.Clock.GetUtcNow());
        view.Balance[^1].Balance!.Value.Value.Should().Be(495m, "the last point is the pool's balance now");
        view.Balance.Where(p => p.At <= TestPortal.Start)
            .Should().OnlyContain(p => p.Balance == null, "before the first charge nothing is known");
    }

    private sealed record Caller(int Client, int Key);

    private static async Task<(Caller A, Caller B)> TwoClientsAsync(TestPortal portal)
    {
        var a = await portal.CreateClientAsync("alpha");
        var ka = await portal.CreateKeyAsync("alpha");
        var b = await portal.CreateClientAsync("beta");
        var kb = await portal.CreateKeyAsync("beta");
        return (new Caller(a.Id, ka.Id), new Caller(b.Id, kb.Id));
    }

    /// <summary>Per round and model: an ok call, a caller that left (charged), a budget refusal and an unknown model's refusal.</summary>
    private static async Task CallsAsync(TestPortal portal, Caller caller, string[] models, int rounds)
    {
        var calls = new List<Task>();
        for (var i = 0; i < rounds; i++)
            foreach (var model in models)
            {
                calls.Add(portal.Ledger.ChargeAsync(new CallRecord(caller.Client, caller.Key, model, 200, null, 10 + i, 3 * i + 1, 1_000 + i * 7, 20)));
                calls.Add(portal.Ledger.ChargeAsync(new CallRecord(caller.Client, caller.Key, model, 499, null, 5, i, 333, 20, CallOutcome.ClientClosed)));
                calls.Add(portal.Ledger.LogRefusalAsync(new CallRecord(caller.Client, caller.Key, model, 402, "budget", 0, 0, 0, 1, CallOutcome.RefusedBudget)));
                calls.Add(portal.Ledger.LogRefusalAsync(new CallRecord(caller.Client, caller.Key, "made-up", 400, "model", 0, 0, 0, 1,
                    CallOutcome.InvalidRequest, KnownModel: false)));
            }
        await Task.WhenAll(calls);
    }
}

using Lumen.Domain.Access;
using Lumen.Domain.Budget;
using Lumen.Domain.Clients;
using Lumen.Domain.Config;
using Lumen.Infrastructure.Audit;
using Lumen.Infrastructure.Changes;
using Lumen.Infrastructure.Config;
using Lumen.Infrastructure.Persistence;
using Lumen.Tests.Infrastructure.Audit;
using Lumen.Tests.Infrastructure.Databases;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Tests.Infrastructure.Config;

/// <summary>
/// A save of the default entry is applied by the database to each group of clients that store the same settings
/// (issue #18, the 100,000-client save): every pool still refilled under its old settings, then clamped (§4); one
/// change published for them all; one audit entry linked to each client (§17); clients that fit no group on their own.
/// </summary>
[Collection("postgres")]
public sealed class ConfigSyncGroupTests(PostgresServer postgres)
{
    private static readonly DateTimeOffset Seeded = TestPortal.Start.AddHours(-3);
    private static readonly string[] OnlyDummy = ["dummy"];

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task A_default_save_changing_more_clients_than_a_report_names_is_one_change_one_entry_and_exact_pools(
        DatabaseProviderKind provider)
    {
        const int clients = ConfigSync.MaxReported + 20;
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var portal = new TestPortal(db);
        await portal.CreateClientAsync("research-bot");
        await portal.Sync.ApplyAsync(portal.Config.InForce!); // the admins and models, so that the save below is only about clients
        var before = Settings(portal.Config.InForce!);
        // Balances 0 … 100 as of up to six hours ago: refill under the old 0.05 an hour fills some, leaves others short.
        await SeedAsync(portal, clients, before, i => new PoolBalance(Coins.FromMicros(i % 101 * 1_000_000L), Seeded.AddMinutes(-(i % 360)).ToUnixTimeMilliseconds()));
        var seeded = await PoolsAsync(portal);
        portal.Clock.Advance(TimeSpan.FromMinutes(95));
        var batches = new List<IReadOnlyList<Change>>();
        using var listening = portal.Feed.Subscribe(ChangeViewer.Of(TestPortal.Admin), null, batches.Add);
        var lowered = Parse(TestPortal.Yaml.Replace("max: 100.0\n    refresh: 0.05", "max: 40.0\n    refresh: 2.0", StringComparison.Ordinal));
        var after = Settings(lowered);
        var described = after.DescribeChangeFrom(before);

        var report = await portal.Sync.ApplyAsync(lowered);

        (report.Changed, report.Unchanged).Should().Be((clients, 1));
        report.Changes.Should().ContainSingle().Which.Should().Be(new Change(null, ChangeKind.SettingsApplied, $"config applied to many clients: {described}"));
        batches.Should().ContainSingle().Which.Should().ContainSingle("one change stands for all of them").Which.IsGeneral.Should().BeTrue();
        var now = portal.Clock.GetUtcNow();
        var pools = await PoolsAsync(portal);
        foreach (var (name, old) in seeded)
        {
            var refilled = before.Budget.Refill(old, now);
            pools[name].Should().Be(new PoolBalance(after.Budget.Clamp(refilled.Balance), refilled.AsOfMs),
                $"{name} is refilled under its old settings up to the save, then clamped to the new max");
        }
        await using (var ctx = await portal.Contexts.CreateDbContextAsync())
        {
            (await ctx.CoinPools.CountAsync(p => p.MaxMicros == 40_000_000 && p.RefreshMicrosPerHour == 2_000_000)).Should().Be(clients);
            (await ctx.CoinPools.SingleAsync(p => p.ClientName == "research-bot")).MaxMicros.Should().Be(500_000_000);
        }
        var entry = (await AuditTrailTests.AllAsync(portal)).First(e => e.Action == AuditActions.ConfigApplied);
        entry.ClientCount.Should().Be(clients);
        entry.Summary.Should().Be($"{clients:N0} clients changed: {described}");
        entry.Detail.Should().StartWith($"bot-00000: {described}\nbot-00001: {described}").And.EndWith($"… and {clients - 50:N0} more clients (each client's history shows its change)");
        var history = (await portal.Audit.HistoryAsync(TestPortal.Admin, "bot-10007", new AuditQuery())).Unwrap().Entries;
        (history[0].Id, history[0].ClientChange).Should().Be((entry.Id, described));
        await using (var ctx = await portal.Contexts.CreateDbContextAsync())
            (await ctx.AuditClients.CountAsync(l => l.EntryId == entry.Id)).Should().Be(clients);

        var again = await portal.Sync.ApplyAsync(lowered);
        (again.Changed, again.Changes.Count).Should().Be((0, 0));
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Clients_storing_different_settings_change_group_by_group_and_the_odd_ones_on_their_own(DatabaseProviderKind provider)
    {
        const int clients = 1_200;
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var portal = new TestPortal(db);
        await portal.Sync.ApplyAsync(portal.Config.InForce!); // the admins and models, so that the save below is only about clients
        var current = Settings(portal.Config.InForce!);
        // Half as the current default gave them, half under an older one: max 80, llama3 whitelisted, refresh 1 an hour.
        var older = current with
        {
            Budget = new BudgetSettings((Coins)80m, (Coins)1m, (Coins)100m),
            Access = new ModelAccessRule(current.Access.Default, current.Access.Blacklist, ["dummy", "llama3"], current.Access.Graylist),
        };
        var asOf = Seeded.ToUnixTimeMilliseconds();
        await SeedAsync(portal, clients, current, i => new PoolBalance((Coins)70m, asOf), i => i % 2 == 0 ? current : older);
        var research = await portal.CreateClientAsync("research-bot");
        var odd = await portal.CreateClientAsync("odd-bot");
        await using (var ctx = await portal.Contexts.CreateDbContextAsync())
        {
            await ctx.Clients.Where(c => c.Id == odd.Id).ExecuteUpdateAsync(s => s.SetProperty(c => c.AccessDefault, "Sometimes"));
            ctx.Clients.Add(new ClientRow { Name = "poolless-bot", CreatedAt = Seeded.UtcDateTime, CreatedBy = "cli", SettingsSource = "DefaultEntry", AccessDefault = "Blacklist" });
            await ctx.SaveChangesAsync();
        }
        portal.Clock.Advance(TimeSpan.FromHours(2));
        var batches = new List<IReadOnlyList<Change>>();
        using var listening = portal.Feed.Subscribe(ChangeViewer.Of(TestPortal.Admin), null, batches.Add);
        var lowered = Parse(TestPortal.Yaml.Replace("max: 100.0", "max: 60.0", StringComparison.Ordinal));
        var after = Settings(lowered);

        var report = await portal.Sync.ApplyAsync(lowered);

        report.Changed.Should().Be(clients + 2);
        report.Changes.Where(c => c.Client!.StartsWith("bot-", StringComparison.Ordinal)).GroupBy(c => c.Summary)
            .Select(g => (g.Key, g.Count())).Should().BeEquivalentTo([(after.DescribeChangeFrom(current), clients / 2), (after.DescribeChangeFrom(older), clients / 2)]);
        report.Changes.Single(c => c.Client == "odd-bot").Summary.Should().StartWith("config applied; Client 'odd-bot' has an unreadable stored access default");
        report.Changes.Single(c => c.Client == "poolless-bot").Summary.Should().Be("config applied; pool created");
        report.Changes.Should().NotContain(c => c.Client == "research-bot");
        batches.Should().ContainSingle().Which.Should().ContainSingle()
            .Which.Should().Be(new Change(null, ChangeKind.SettingsApplied, "config applied to many clients"));
        await using (var ctx = await portal.Contexts.CreateDbContextAsync())
        {
            var rows = await ctx.Clients.AsNoTracking().Include(c => c.Pool).Where(c => c.Id != research.Id).ToListAsync();
            rows.Should().HaveCount(clients + 2).And.OnlyContain(c => c.Pool.MaxMicros == 60_000_000 && c.Pool.RefreshMicrosPerHour == 50_000
                && c.AccessDefault == "Blacklist" && c.Whitelist.SequenceEqual(OnlyDummy));
            // 70 coins two hours and more after the seed: the older ones earned 1 an hour until now, then both are clamped to 60.
            rows.Where(c => c.Name.StartsWith("bot-", StringComparison.Ordinal)).Should().OnlyContain(c => c.Pool.BalanceMicros == 60_000_000);
            (await ctx.CoinPools.SingleAsync(p => p.ClientId == research.Id)).MaxMicros.Should().Be(500_000_000);
        }
        var entry = (await AuditTrailTests.AllAsync(portal)).First(e => e.Action == AuditActions.ConfigApplied);
        (entry.ClientCount, entry.Summary).Should().Be((clients + 2, $"{clients + 2:N0} clients changed"));
        var older1 = (await portal.Audit.HistoryAsync(TestPortal.Admin, "bot-00001", new AuditQuery())).Unwrap().Entries[0];
        (older1.Id, older1.ClientChange).Should().Be((entry.Id, after.DescribeChangeFrom(older)));

        var again = await portal.Sync.ApplyAsync(lowered);
        again.Changed.Should().Be(0);
    }

    private static LumenConfig Parse(string yaml) => ConfigLoader.Parse(yaml).Config!;

    private static AppliedSettings Settings(LumenConfig config) => AppliedSettings.From(config.Clients.Resolve(ClientName.Create("bot-00000")));

    /// <summary>Clients <c>bot-00000</c> … under the default entry, stored as <paramref name="stored"/> says (the default's settings unless told).</summary>
    private static async Task SeedAsync(TestPortal portal, int count, AppliedSettings settings, Func<int, PoolBalance> balance,
        Func<int, AppliedSettings>? stored = null)
    {
        await using var ctx = await portal.Contexts.CreateDbContextAsync();
        for (var i = 0; i < count; i++)
        {
            var these = stored?.Invoke(i) ?? settings;
            var row = new ClientRow { Name = $"bot-{i:00000}", CreatedAt = Seeded.UtcDateTime, CreatedBy = "cli" };
            PoolMapping.SetAccess(row, these);
            row.Pool = PoolMapping.NewPool(0, row.Name, these.Budget, Seeded);
            (row.Pool.BalanceMicros, row.Pool.BalanceAsOfMs) = (balance(i).Balance.Micros, balance(i).AsOfMs);
            ctx.Clients.Add(row);
        }
        await ctx.SaveChangesAsync();
    }

    private static async Task<Dictionary<string, PoolBalance>> PoolsAsync(TestPortal portal)
    {
        await using var ctx = await portal.Contexts.CreateDbContextAsync();
        return await ctx.CoinPools.AsNoTracking().Where(p => p.ClientName.StartsWith("bot-"))
            .ToDictionaryAsync(p => p.ClientName, p => new PoolBalance(Coins.FromMicros(p.BalanceMicros), p.BalanceAsOfMs));
    }
}

using Lumen.Domain.Clients;
using Lumen.Domain.Config;
using Lumen.Infrastructure.Config;
using Lumen.Infrastructure.Persistence;
using Lumen.Tests.Infrastructure.Databases;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Tests.Infrastructure.Config;

/// <summary>§11 at scale: a save that changes many clients is applied set-wise, to each client exactly once.</summary>
[Collection("postgres")]
public sealed class ConfigSyncTests(PostgresServer postgres)
{
    // More than one budget statement's worth of pools (ConfigSync takes 1,000 per statement).
    private const int Clients = 1_050;
    private static readonly string[] Whitelisted = ["dummy", "llama3"];

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task A_save_that_changes_over_a_thousand_clients_applies_to_each_once_and_leaves_named_entries_alone(
        DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var portal = new TestPortal(db);
        var research = await portal.CreateClientAsync("research-bot");
        await SeedDefaultClientsAsync(portal);
        var lowered = ConfigLoader.Parse(TestPortal.Yaml
            .Replace("max: 100.0", "max: 40.0", StringComparison.Ordinal)
            .Replace("whitelist: [dummy]", "whitelist: [dummy, llama3]", StringComparison.Ordinal)).Config!;

        var report = await portal.Sync.ApplyAsync(lowered);

        report.Changes.Should().HaveCount(Clients).And.OnlyContain(c => c.Client!.StartsWith("bot-", StringComparison.Ordinal));
        report.Changes[0].Summary.Should().Be("max 100 → 40; whitelist +llama3");
        await using (var ctx = await portal.Contexts.CreateDbContextAsync())
        {
            var pools = await ctx.CoinPools.AsNoTracking().Where(p => p.ClientName.StartsWith("bot-")).ToListAsync();
            pools.Should().HaveCount(Clients).And.OnlyContain(p => p.MaxMicros == 40_000_000 && p.BalanceMicros == 40_000_000,
                "every pool gets the new cap and its balance of 100 is clamped to it");
            var clients = await ctx.Clients.AsNoTracking().Where(c => c.Name.StartsWith("bot-")).ToListAsync();
            clients.Should().OnlyContain(c => c.Whitelist.SequenceEqual(Whitelisted) && c.SettingsSource == "DefaultEntry");
            (await ctx.CoinPools.AsNoTracking().SingleAsync(p => p.ClientId == research.Id)).MaxMicros.Should().Be(500_000_000,
                "research-bot has its own entry, which did not change");
        }

        var again = await portal.Sync.ApplyAsync(lowered);
        again.Changes.Should().BeEmpty("the second apply finds every client already as the config says");
        again.Unchanged.Should().Be(Clients + 1);
    }

    /// <summary>Clients as <c>ClientService</c> creates them under the default entry, added in one go for speed.</summary>
    private static async Task SeedDefaultClientsAsync(TestPortal portal)
    {
        var settings = AppliedSettings.From(portal.Config.InForce!.Clients.Resolve(ClientName.Create("bot-0000")));
        await using var ctx = await portal.Contexts.CreateDbContextAsync();
        for (var i = 0; i < Clients; i++)
        {
            var row = new ClientRow { Name = $"bot-{i:0000}", CreatedAt = portal.Clock.GetUtcNow().UtcDateTime, CreatedBy = "cli" };
            PoolMapping.SetAccess(row, settings);
            row.Pool = PoolMapping.NewPool(0, row.Name, settings.Budget, portal.Clock.GetUtcNow());
            ctx.Clients.Add(row);
        }
        await ctx.SaveChangesAsync();
    }
}

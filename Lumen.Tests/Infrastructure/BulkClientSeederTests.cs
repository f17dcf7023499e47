using Lumen.Domain.Budget;
using Lumen.Domain.Clients;
using Lumen.Domain.Config;
using Lumen.Infrastructure.Clients;
using Lumen.Infrastructure.UseCases;
using Lumen.Infrastructure.Config;
using Lumen.Infrastructure.Managers;
using Lumen.Seeding;
using Lumen.Tests.Infrastructure.Databases;
using Microsoft.Data.Sqlite;

namespace Lumen.Tests.Infrastructure;

/// <summary>The benchmarks' seeder writes clients the use cases read back exactly, and the config's first apply changes nothing.</summary>
public sealed class BulkClientSeederTests
{
    [Fact]
    public async Task Seeded_clients_read_back_through_the_use_cases_as_written()
    {
        var dir = Directory.CreateTempSubdirectory("lumen-seed-").FullName;
        try
        {
            var path = Path.Combine(dir, "lumen.db");
            var config = ConfigLoader.Parse(TestPortal.Yaml).Config!;
            AppliedSettings Settings(string name) => AppliedSettings.From(config.Clients.Resolve(ClientName.Create(name)));
            var created = new DateTime(2026, 1, 5, 8, 30, 0, DateTimeKind.Utc);
            var clients = new[]
            {
                new SeedClient("research-bot", created, "admin@example.org", true, Settings("research-bot"),
                    new PoolBalance((Coins)12m, TestPortal.Start.ToUnixTimeMilliseconds()), 3, 100, 20, (Coins)0.5m,
                    [new ManagerInfo("jane@example.org", created.AddDays(1), "admin@example.org")]),
                new SeedClient("quiet-bot", created, "admin@example.org", false, Settings("quiet-bot"),
                    new PoolBalance((Coins)100m, TestPortal.Start.ToUnixTimeMilliseconds()), 0, 0, 0, Coins.Zero, []),
            };

            var managers = await BulkClientSeeder.SeedSqliteAsync(path, clients);

            managers.Should().Be(1);
            await using var db = await TestDatabase.MigrateAsync(
                new(Lumen.Infrastructure.Persistence.DatabaseProviderKind.Sqlite, $"Data Source={path}"), () => Task.CompletedTask);
            await using var portal = new TestPortal(db);
            var listed = await portal.Clients.ListAsync(Actor.Cli);
            listed.Select(c => c.Client).Should().Equal(
                new ClientInfo("quiet-bot", false, created, "admin@example.org"),
                new ClientInfo("research-bot", true, created, "admin@example.org"));
            var research = listed[1].Pool;
            (research.Budget, research.Balance, research.Requests, research.InputTokens, research.OutputTokens, research.CoinsSpent)
                .Should().Be((Settings("research-bot").Budget, (Coins)12m, 3L, 100L, 20L, (Coins)0.5m));
            var details = (await portal.Get<ClientDetailsQuery>().LoadAsync(TestPortal.Admin, "research-bot")).Unwrap();
            details.Managers.Should().Equal(new ManagerInfo("jane@example.org", created.AddDays(1), "admin@example.org"));
            details.Applied.Should().Be(Settings("research-bot"));
            (await portal.Directory.QueryAsync(TestPortal.Admin, new ClientQuery(Sort: ClientSort.Managers, Descending: true)))
                .Rows.Select(r => (r.Name, r.Managers)).Should().Equal(("research-bot", 1), ("quiet-bot", 0));
            var report = await portal.Sync.ApplyAsync(config);
            report.Changes.Should().BeEmpty("the seeder writes settings as the config resolves them");
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }
}

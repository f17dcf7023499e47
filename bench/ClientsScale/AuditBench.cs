using System.Diagnostics;
using Lumen.Infrastructure.Audit;
using Lumen.Infrastructure.Clients;
using Lumen.Infrastructure.UseCases;
using Lumen.Seeding;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Lumen.Bench.ClientsScale;

/// <summary>
/// The audit trail at scale (§17): seeds audit entries into a clients database (client actions skewed towards some
/// clients, and config applies linked to 1,000 clients each), then times <see cref="AuditService"/> as <c>/audit</c>,
/// the detail page's history and the CSV call it, in the database: p50/p95 over the runs after one warm-up.
/// </summary>
internal static class AuditBench
{
    public static async Task<int> SeedAsync(string dbPath, int entries)
    {
        var clients = 0;
        await using (var connection = new SqliteConnection($"Data Source={dbPath}"))
        {
            await connection.OpenAsync();
            await using var count = connection.CreateCommand();
            count.CommandText = "SELECT COUNT(*) FROM clients";
            clients = Convert.ToInt32(await count.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
        }
        var actors = Enumerable.Range(0, 50).Select(i => Fmt.Inv($"m{i:D5}@example.org"))
            .Concat([BenchConfig.Admin, "cli", "second-admin@example.org"]).ToList();
        var started = Stopwatch.GetTimestamp();
        var links = await BulkClientSeeder.SeedAuditSqliteAsync(dbPath, clients, entries, actors);
        SqliteConnection.ClearAllPools();
        Console.WriteLine(Fmt.Inv($"seeded {Fmt.N(entries)} audit entries and {Fmt.N(links)} client links over {Fmt.N(clients)} clients in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s"));
        return 0;
    }

    public static async Task<int> RunAsync(string dbPath, int runs)
    {
        await using var services = QueryBench.Services(dbPath);
        var audit = services.GetRequiredService<AuditService>();
        var admin = new Actor(BenchConfig.Admin);
        var manager = new Actor(BenchConfig.BusyManager);
        var newest = (await audit.ListAsync(admin, new AuditQuery(Limit: 1))).Unwrap().Entries[0];
        var middle = newest.Id / 2;
        var busyClient = Seeder.NameOf(2);
        var quietClient = Seeder.NameOf(90_007 > newest.Id ? 7 : 90_007);
        var managed = (await services.GetRequiredService<ClientDirectory>().ManagedNamesAsync(manager))!.First();
        var monthAgo = DateTime.UtcNow.AddDays(-30);

        var cases = new (string Label, Func<Task<Outcome<AuditPage>>> Run)[]
        {
            ("/audit first page (50)", () => audit.ListAsync(admin, new AuditQuery())),
            (Fmt.Inv($"/audit deep page (before id {Fmt.N(middle)})"), () => audit.ListAsync(admin, new AuditQuery(Before: middle))),
            ("/audit next page after the first", () => audit.ListAsync(admin, new AuditQuery(Before: newest.Id - 49))),
            ("/audit newer page (after the deep one)", () => audit.ListAsync(admin, new AuditQuery(After: middle))),
            ("/audit filtered: actor", () => audit.ListAsync(admin, new AuditQuery(Actor: "m00007@example.org"))),
            ("/audit filtered: actor, deep", () => audit.ListAsync(admin, new AuditQuery(Actor: "m00007@example.org", Before: middle))),
            ("/audit filtered: action", () => audit.ListAsync(admin, new AuditQuery(Action: AuditActions.ConfigApplied))),
            ("/audit filtered: since 30 days", () => audit.ListAsync(admin, new AuditQuery(Since: monthAgo))),
            ("/audit filtered: until 30 days ago", () => audit.ListAsync(admin, new AuditQuery(Until: monthAgo))),
            ("/audit filtered: actor + action + until", () => audit.ListAsync(admin, new AuditQuery(Actor: "m00007@example.org", Action: AuditActions.KeyCreated, Until: monthAgo))),
            (Fmt.Inv($"/audit filtered: client {busyClient}"), () => audit.ListAsync(admin, new AuditQuery(Client: busyClient))),
            (Fmt.Inv($"history of {busyClient} (busy), admin"), () => audit.HistoryAsync(admin, busyClient, new AuditQuery(Limit: 20))),
            (Fmt.Inv($"history of {quietClient} (quiet), admin"), () => audit.HistoryAsync(admin, quietClient, new AuditQuery(Limit: 20))),
            (Fmt.Inv($"history of {managed}, its manager"), () => audit.HistoryAsync(manager, managed, new AuditQuery(Limit: 20))),
            ("CSV page (1,000 entries)", () => audit.ListAsync(admin, new AuditQuery(Limit: AuditQuery.MaxLimit))),
        };

        Console.WriteLine();
        Console.WriteLine(Fmt.Inv($"### AuditService over {Fmt.N(newest.Id)} audit entries ({runs} runs each, after one warm-up)"));
        Console.WriteLine();
        Console.WriteLine("| query | entries | p50 ms | p95 ms |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var (label, run) in cases)
        {
            var page = (await run()).Unwrap();
            var samples = new Samples();
            for (var i = 0; i < runs; i++) samples.Add(await Samples.TimeAsync(run));
            Console.WriteLine(Fmt.Inv($"| {label} | {page.Entries.Count} | {Fmt.Ms(samples.P50)} | {Fmt.Ms(samples.P95)} |"));
        }
        SqliteConnection.ClearAllPools();
        return 0;
    }
}

using System.Diagnostics;
using Lumen.Infrastructure;
using Lumen.Infrastructure.Clients;
using Lumen.Infrastructure.UseCases;
using Lumen.Infrastructure.Config;
using Lumen.Infrastructure.Changes;
using Lumen.Infrastructure.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Lumen.Bench.ClientsScale;

/// <summary>
/// Times <see cref="ClientDirectory.QueryAsync"/> as the clients page calls it: every sort column, both directions,
/// with and without a search, the first page and a deep one, as an admin and as a manager.
/// </summary>
internal static class QueryBench
{
    private sealed record Case(string Viewer, string? Search, ClientSort Sort, bool Descending, int Page);

    public static ServiceProvider Services(string dbPath, string? yaml = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        if (Environment.GetEnvironmentVariable("BENCH_SQL") == "1") SqlTrace.Start();
        services.AddSingleton(new ConfigState(Path.GetFullPath("bench-config.yaml"), ConfigLoader.Parse(yaml ?? BenchConfig.Yaml())));
        services.AddLumenCore(new DatabaseOptions(DatabaseProviderKind.Sqlite, $"Data Source={dbPath}"));
        return services.BuildServiceProvider();
    }

    public static async Task<int> RunAsync(string dbPath, int runs, int deepPage, string? filter)
    {
        await using var services = Services(dbPath);
        var directory = services.GetRequiredService<ClientDirectory>();
        // Publishing any change makes the directory recompute the summary totals (they are kept up to a second).
        var feed = services.GetRequiredService<ChangeFeed>();
        var change = new Change(BenchConfig.NamedClient, ChangeKind.UsageChanged, "bench");
        var admin = new Actor(BenchConfig.Admin);
        var manager = new Actor(BenchConfig.BusyManager);
        var total = (await directory.QueryAsync(admin, new ClientQuery())).Totals.Clients;

        var cases = new List<Case>();
        foreach (var sort in Enum.GetValues<ClientSort>())
        {
            foreach (var desc in new[] { false, true })
                foreach (var page in new[] { 1, deepPage })
                    cases.Add(new Case("admin", null, sort, desc, page));
            var dflt = ClientQuery.DefaultDescending(sort);
            foreach (var page in new[] { 1, deepPage })
            {
                cases.Add(new Case("admin", Seeder.BroadSearch, sort, dflt, page));
                cases.Add(new Case("manager", null, sort, dflt, page));
            }
            cases.Add(new Case("admin", Seeder.NarrowSearch, sort, dflt, 1));
            cases.Add(new Case("manager", Seeder.BroadSearch, sort, dflt, 1));
        }
        if (filter is not null) cases = cases.Where(c => Fmt.Inv($"{c.Viewer} {c.Search} {c.Sort}").Contains(filter, StringComparison.OrdinalIgnoreCase)).ToList();

        Console.WriteLine();
        Console.WriteLine(Fmt.Inv($"### ClientDirectory.QueryAsync over {Fmt.N(total)} clients ({runs} runs each, after one warm-up)"));
        Console.WriteLine();
        Console.WriteLine("| viewer | search | sort | page | matching | p50 ms | p95 ms | cold p50 ms | cold p95 ms | cold CPU ms |");
        Console.WriteLine("|---|---|---|---:|---:|---:|---:|---:|---:|---:|");
        var allP50 = new Samples();
        var allCold = new Samples();
        var worst = (P50: 0.0, Label: "");
        var worstCold = (P50: 0.0, Label: "");
        foreach (var c in cases)
        {
            var query = new ClientQuery(c.Search, c.Sort, c.Descending, c.Page);
            var actor = c.Viewer == "admin" ? admin : manager;
            var result = await directory.QueryAsync(actor, query);
            var samples = new Samples();
            for (var i = 0; i < runs; i++) samples.Add(await Samples.TimeAsync(() => directory.QueryAsync(actor, query)));
            // Cold: the totals recomputed every time, as after any change (usage, config, clients).
            var cold = new Samples();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            for (var i = 0; i < runs; i++)
            {
                await feed.PublishAsync(change);
                cold.Add(await Samples.TimeAsync(() => directory.QueryAsync(actor, query)));
            }
            var cpuPerQuery = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / runs;
            var label = Fmt.Inv($"{c.Viewer} | {(c.Search is null ? "–" : $"\"{c.Search}\"")} | {c.Sort} {(c.Descending ? "↓" : "↑")} | {Fmt.N(result.Page)}");
            Console.WriteLine(Fmt.Inv($"| {label} | {Fmt.N(result.Matching)} | {Fmt.Ms(samples.P50)} | {Fmt.Ms(samples.P95)} | {Fmt.Ms(cold.P50)} | {Fmt.Ms(cold.P95)} | {Fmt.Ms(cpuPerQuery)} |"));
            allP50.Add(samples.P50);
            allCold.Add(cold.P50);
            if (samples.P50 > worst.P50) worst = (samples.P50, label.Replace(" | ", ", ", StringComparison.Ordinal));
            if (cold.P50 > worstCold.P50) worstCold = (cold.P50, label.Replace(" | ", ", ", StringComparison.Ordinal));
        }

        var names = new Samples();
        for (var i = 0; i < runs; i++) names.Add(await Samples.TimeAsync(() => directory.ManagedNamesAsync(manager)));
        Console.WriteLine();
        Console.WriteLine(Fmt.Inv($"Median of the cases' p50: {Fmt.Ms(allP50.P50)} ms; worst p50: {Fmt.Ms(worst.P50)} ms ({worst.Label})."));
        Console.WriteLine(Fmt.Inv($"Cold (totals recomputed): median of the p50s {Fmt.Ms(allCold.P50)} ms; worst p50: {Fmt.Ms(worstCold.P50)} ms ({worstCold.Label})."));
        Console.WriteLine(Fmt.Inv($"ManagedNamesAsync (busy manager; since #14 the page no longer runs it, the change feed filters notices): p50 {Fmt.Ms(names.P50)} ms, p95 {Fmt.Ms(names.P95)} ms."));
        SqliteConnection.ClearAllPools();
        return 0;
    }
}

using Lumen.Infrastructure.Config;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Lumen.Bench.ClientsScale;

/// <summary>
/// Times <see cref="ConfigSync.ApplyAsync"/>: a save that changes the default entry's budget (every client but one
/// changes) and a save that changes one named entry (what a typical reload costs over a large table).
/// </summary>
internal static class ApplyBench
{
    public static async Task<int> RunAsync(string dbPath, int runs)
    {
        await using var services = QueryBench.Services(dbPath);
        var sync = services.GetRequiredService<ConfigSync>();
        var original = Parse(BenchConfig.Yaml());
        var everyClient = Parse(BenchConfig.Yaml(defaultMax: 90m));
        var oneClient = Parse(BenchConfig.Yaml(namedMax: 300m));
        var warmup = await sync.ApplyAsync(original);
        // The seeder writes what the config resolves to: anything changed here means the seed is not what the product
        // would hold, and the timings below would not mean what they say.
        if (warmup.Changed != 0)
            throw new InvalidOperationException($"The seeded database differs from the config for {warmup.Changed} client(s), e.g. {warmup.Changes[0].Client}.");
        var clients = warmup.Changed + warmup.Unchanged;

        var all = new Samples();
        var changed = 0;
        for (var i = 0; i < runs; i++)
        {
            SyncReport? report = null;
            all.Add(await Samples.TimeAsync(async () => report = await sync.ApplyAsync(everyClient)));
            changed = report!.Changed;
            all.Add(await Samples.TimeAsync(() => sync.ApplyAsync(original)));
        }
        var one = new Samples();
        for (var i = 0; i < runs; i++)
        {
            one.Add(await Samples.TimeAsync(() => sync.ApplyAsync(oneClient)));
            one.Add(await Samples.TimeAsync(() => sync.ApplyAsync(original)));
        }

        Console.WriteLine();
        Console.WriteLine(Fmt.Inv($"### ConfigSync.ApplyAsync over {Fmt.N(clients)} clients ({2 * runs} applies each)"));
        Console.WriteLine();
        Console.WriteLine("| save | clients changed | p50 ms | p95 ms | max ms |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        Console.WriteLine(Fmt.Inv($"| default max 100 ↔ 90 | {Fmt.N(changed)} | {Fmt.Ms(all.P50)} | {Fmt.Ms(all.P95)} | {Fmt.Ms(all.Max)} |"));
        Console.WriteLine(Fmt.Inv($"| {BenchConfig.NamedClient} max 500 ↔ 300 | 1 | {Fmt.Ms(one.P50)} | {Fmt.Ms(one.P95)} | {Fmt.Ms(one.Max)} |"));
        SqliteConnection.ClearAllPools();
        return 0;
    }

    private static Lumen.Domain.Config.LumenConfig Parse(string yaml) =>
        ConfigLoader.Parse(yaml).Config ?? throw new InvalidOperationException("The bench config is invalid.");
}

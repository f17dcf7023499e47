using System.Diagnostics;
using Lumen.Domain.Budget;
using Lumen.Domain.Clients;
using Lumen.Domain.Config;
using Lumen.Infrastructure.Config;
using Lumen.Infrastructure.Managers;
using Lumen.Seeding;

namespace Lumen.Bench.ClientsScale;

/// <summary>
/// A SQLite database with <c>count</c> clients as the portal would hold them after months of use: the schema from the
/// product's own migrations, settings exactly as the config resolves them (so the portal's first apply changes
/// nothing), usage counters, and managers for about 30% of clients (1–3 each) plus a busy and a light manager.
/// The rows go in through Infrastructure's <see cref="BulkClientSeeder"/> (prepared statements, one transaction).
/// </summary>
internal static class Seeder
{
    private static readonly string[] Teams =
        ["research", "pipeline", "ingest", "chat", "eval", "batch", "summarize", "translate",
         "vision", "search", "label", "embed", "rag", "agent", "notebook", "crawler"];

    private static readonly string[] Kinds = ["bot", "service", "job", "worker", "api", "pipeline", "tool", "runner"];

    /// <summary>The search that matches many names ("pipeline" is a team and a kind) and one that matches a few.</summary>
    public const string BroadSearch = "pipe";
    public const string NarrowSearch = "0421";

    public static string NameOf(int i) => Fmt.Inv($"{Teams[i * 7 % Teams.Length]}-{Kinds[i / 3 % Kinds.Length]}-{i:D6}");

    public static async Task SeedAsync(string dbPath, int count)
    {
        foreach (var suffix in new[] { "", "-wal", "-shm" })
            File.Delete(dbPath + suffix);
        var started = Stopwatch.GetTimestamp();
        var managerRows = await BulkClientSeeder.SeedSqliteAsync(dbPath, Clients(count));
        Console.WriteLine(Fmt.Inv($"seeded {Fmt.N(count)} clients, {Fmt.N(managerRows)} manager rows into {dbPath} in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s"));
    }

    /// <summary>The clients, made one at a time as the seeder writes them (the same seed gives the same data every run).</summary>
    private static IEnumerable<SeedClient> Clients(int count)
    {
        var config = ConfigLoader.Parse(BenchConfig.Yaml()).Config ?? throw new InvalidOperationException("The bench config is invalid.");
        var random = new Random(20261123);
        var now = DateTime.UtcNow;
        var nowMs = new DateTimeOffset(now).ToUnixTimeMilliseconds();
        var managerPool = Math.Max(20, count / 50);

        for (var i = 1; i <= count; i++)
        {
            var name = i == 1 ? BenchConfig.NamedClient : NameOf(i);
            var settings = AppliedSettings.From(config.Clients.Resolve(ClientName.Create(name)));
            var created = now.AddMinutes(-random.Next(0, 2 * 365 * 24 * 60));
            var active = random.NextDouble() < 0.9;

            long requests = 0, input = 0, output = 0;
            if (random.NextDouble() >= 0.2)
            {
                requests = (long)Math.Pow(10, random.NextDouble() * 6);
                input = requests * random.Next(50, 2000);
                output = requests * random.Next(20, 800);
            }
            var budget = settings.Budget;
            var balance = budget.Max.Micros < 0 ? budget.Starting.Micros : (long)(random.NextDouble() * budget.Max.Micros);

            var emails = new HashSet<string>(StringComparer.Ordinal);
            if (random.NextDouble() < 0.3)
            {
                var k = random.Next(1, 4);
                while (emails.Count < k) emails.Add(Fmt.Inv($"m{random.Next(managerPool):D5}@example.org"));
            }
            if (i % 100 == 7) emails.Add(BenchConfig.BusyManager);
            if (i is 10 or 20 or 30 or 40 or 50) emails.Add(BenchConfig.LightManager);
            var managers = emails.Order(StringComparer.Ordinal).Select(e => new ManagerInfo(e, created.AddDays(1), Admin)).ToList();

            yield return new SeedClient(name, created, Admin, active, settings, new PoolBalance(Coins.FromMicros(balance), nowMs),
                requests, input, output, Coins.FromMicros(input + 2 * output), managers);
        }
    }

    private const string Admin = "admin@example.org";
}

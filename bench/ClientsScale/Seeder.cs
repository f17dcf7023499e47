using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Lumen.Domain.Clients;
using Lumen.Domain.Config;
using Lumen.Infrastructure;
using Lumen.Infrastructure.Config;
using Lumen.Infrastructure.Persistence;
using Microsoft.Data.Sqlite;

namespace Lumen.Bench.ClientsScale;

/// <summary>
/// A SQLite database with <c>count</c> clients as the portal would hold them after months of use: the schema from the
/// product's own migrations, settings exactly as the config resolves them (so the portal's first apply changes
/// nothing), usage counters, and managers for about 30% of clients (1–3 each) plus a busy and a light manager.
/// Rows go in with prepared statements in one transaction.
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
        var options = new DatabaseOptions(DatabaseProviderKind.Sqlite, $"Data Source={dbPath}");
        await InfrastructureServices.MigrateAsync(DatabaseProvider.CreateFactory(options));
        SqliteConnection.ClearAllPools();

        var config = ConfigLoader.Parse(BenchConfig.Yaml()).Config ?? throw new InvalidOperationException("The bench config is invalid.");
        var random = new Random(20261123);
        var now = DateTime.UtcNow;
        var nowMs = new DateTimeOffset(now).ToUnixTimeMilliseconds();
        var managerPool = Math.Max(20, count / 50);
        var managerRows = 0;

        await using var connection = new SqliteConnection($"Data Source={dbPath}");
        await connection.OpenAsync();
        await using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA synchronous=OFF;";
            await pragma.ExecuteNonQueryAsync();
        }
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync();

        var client = Prepare(connection, tx, """
            INSERT INTO clients (Id, Name, CreatedAt, CreatedBy, IsActive, SettingsSource, AccessDefault, Blacklist, Whitelist, Graylist)
            VALUES ($id, $name, $created, 'admin@example.org', $active, $source, $default, $black, $white, $gray)
            """, "$id", "$name", "$created", "$active", "$source", "$default", "$black", "$white", "$gray");
        var pool = Prepare(connection, tx, """
            INSERT INTO coin_pools (ClientId, MaxMicros, RefreshMicrosPerHour, StartingMicros, BalanceMicros, BalanceAsOfMs,
                                    Requests, InputTokens, OutputTokens, CoinsSpentMicros)
            VALUES ($id, $max, $refresh, $starting, $balance, $asof, $requests, $input, $output, $coins)
            """, "$id", "$max", "$refresh", "$starting", "$balance", "$asof", "$requests", "$input", "$output", "$coins");
        var manager = Prepare(connection, tx, """
            INSERT INTO managers (ClientId, Email, AddedAt, AddedBy) VALUES ($id, $email, $added, 'admin@example.org')
            """, "$id", "$email", "$added");

        for (var i = 1; i <= count; i++)
        {
            var name = i == 1 ? BenchConfig.NamedClient : NameOf(i);
            var settings = AppliedSettings.From(config.Clients.Resolve(ClientName.Create(name)));
            var created = now.AddMinutes(-random.Next(0, 2 * 365 * 24 * 60));
            await Run(client, i, name, Timestamp(created), random.NextDouble() < 0.9 ? 1 : 0, settings.Source.ToString(),
                settings.Access.Default.ToString(), Json(settings.Access.Blacklist), Json(settings.Access.Whitelist),
                Json(settings.Access.Graylist));

            long requests = 0, input = 0, output = 0;
            if (random.NextDouble() >= 0.2)
            {
                requests = (long)Math.Pow(10, random.NextDouble() * 6);
                input = requests * random.Next(50, 2000);
                output = requests * random.Next(20, 800);
            }
            var budget = settings.Budget;
            var balance = budget.Max.Micros < 0 ? budget.Starting.Micros : (long)(random.NextDouble() * budget.Max.Micros);
            await Run(pool, i, budget.Max.Micros, budget.RefreshPerHour.Micros, budget.Starting.Micros, balance, nowMs,
                requests, input, output, input + 2 * output);

            var emails = new HashSet<string>(StringComparer.Ordinal);
            if (random.NextDouble() < 0.3)
            {
                var k = random.Next(1, 4);
                while (emails.Count < k) emails.Add(Fmt.Inv($"m{random.Next(managerPool):D5}@example.org"));
            }
            if (i % 100 == 7) emails.Add(BenchConfig.BusyManager);
            if (i is 10 or 20 or 30 or 40 or 50) emails.Add(BenchConfig.LightManager);
            foreach (var email in emails.Order(StringComparer.Ordinal))
            {
                await Run(manager, i, email, Timestamp(created.AddDays(1)));
                managerRows++;
            }
        }
        // Columns later migrations derive from the rows above, filled the way those migrations fill them on upgrade
        // (so one seeder serves the schema before and after them, with the same data).
        await using (var backfill = connection.CreateCommand())
        {
            backfill.Transaction = tx;
            backfill.CommandText = "SELECT COUNT(*) FROM pragma_table_info('clients') WHERE name = 'ManagerCount'";
            if (Convert.ToInt64(await backfill.ExecuteScalarAsync(), CultureInfo.InvariantCulture) > 0)
            {
                backfill.CommandText = """
                    UPDATE coin_pools SET ClientName = (SELECT Name FROM clients WHERE clients.Id = coin_pools.ClientId);
                    UPDATE clients SET ManagerCount = (SELECT COUNT(*) FROM managers WHERE managers.ClientId = clients.Id);
                    """;
                await backfill.ExecuteNonQueryAsync();
            }
        }
        await tx.CommitAsync();
        Console.WriteLine(Fmt.Inv($"seeded {Fmt.N(count)} clients, {Fmt.N(managerRows)} manager rows into {dbPath} in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s"));
    }

    private static string Json(IReadOnlySet<string> models) => JsonSerializer.Serialize(models.Order(StringComparer.Ordinal).ToList());

    // EF Core's SQLite text format for DateTime.
    private static string Timestamp(DateTime at) => at.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);

    private static SqliteCommand Prepare(SqliteConnection connection, SqliteTransaction tx, string sql, params string[] names)
    {
        var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        foreach (var name in names) command.Parameters.Add(new SqliteParameter { ParameterName = name });
        command.Prepare();
        return command;
    }

    private static Task<int> Run(SqliteCommand command, params object[] values)
    {
        for (var i = 0; i < values.Length; i++) command.Parameters[i].Value = values[i];
        return command.ExecuteNonQueryAsync();
    }
}

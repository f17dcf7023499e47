using System.Data.Common;
using System.Diagnostics;
using Lumen.Infrastructure;
using Lumen.Infrastructure.Ledger;
using Lumen.Infrastructure.UsageCharts;
using Lumen.Infrastructure.UseCases;
using Lumen.Infrastructure.Config;
using Lumen.Infrastructure.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Lumen.Bench.ClientsScale;

/// <summary>
/// The usage charts at scale (§16): 30 days of hourly usage written straight into the tables the ledger keeps
/// (usage_hours, balance_hours, usage_days, usage_total_hours) for the first <c>busy</c> clients (every hour, two
/// models charged, a budget refusal every fifth hour) and a sparse tail (5 hours each of the next 20,000), then
/// <see cref="UsageBoard"/> timed as /clients and a detail page call it, in the database: p50/p95 after one warm-up.
/// SQLite: into a database <c>seed</c> made. PostgreSQL: the schema from the migrations and the clients by SQL.
/// </summary>
internal static class UsageBench
{
    private const int Hours = 30 * 24;
    private const int Tail = 20_000;

    private static bool IsPostgres(string kind) => kind.Equals("postgresql", StringComparison.OrdinalIgnoreCase);

    private static DatabaseOptions Options(string kind, string target) => IsPostgres(kind)
        ? new DatabaseOptions(DatabaseProviderKind.PostgreSQL, target)
        : new DatabaseOptions(DatabaseProviderKind.Sqlite, $"Data Source={target}");

    private static DbConnection Connection(string kind, string target) =>
        IsPostgres(kind) ? new NpgsqlConnection(target) : new SqliteConnection($"Data Source={target}");

    private static ServiceProvider Services(string kind, string target)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(new ConfigState(Path.GetFullPath("bench-config.yaml"), ConfigLoader.Parse(BenchConfig.Yaml())));
        services.AddLumenCore(Options(kind, target));
        return services.BuildServiceProvider();
    }

    public static async Task<int> SeedAsync(string kind, string target, int clients, int busy)
    {
        var started = Stopwatch.GetTimestamp();
        var pg = IsPostgres(kind);
        // Measured at 100,000 clients and 1,000 busy: SQLite 0.4 GB, PostgreSQL 1.6 GB with its WAL.
        if (DiskSpace.LocalPath(target, pg) is { } path && !DiskSpace.Enough(path, pg ? 2_000_000_000 : 1_000_000_000, "usage-seed")) return 3;
        if (pg)
        {
            await using var services = Services(kind, target);
            await services.GetRequiredService<LumenDatabase>().MigrateAsync();
        }
        await using var connection = Connection(kind, target);
        await connection.OpenAsync();
        async Task<long> Exec(string sql)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.CommandTimeout = 3600;
            return await command.ExecuteNonQueryAsync();
        }
        async Task<long> Scalar(string sql)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
        }

        if (pg && await Scalar("SELECT COUNT(*) FROM clients") == 0) await Exec(PgClients(clients));
        var start = UsageHours.HourOf(DateTimeOffset.UtcNow).AddHours(-(Hours - 1));
        var from = start.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
        foreach (var table in new[] { "usage_hours", "balance_hours", "usage_days", "usage_total_hours" }) await Exec($"DELETE FROM {table}");

        // hour n of client c: calls and tokens vary with both, coins from the tokens (1 + 2 micro-coins a token).
        var hourOf = pg ? $"(TIMESTAMPTZ '{from}+00' + make_interval(hours => h.n))" : $"strftime('%Y-%m-%d %H:00:00', '{from}', '+' || h.n || ' hours')";
        var hoursFrom = pg ? $"generate_series(0, {Hours - 1}) AS h(n)" : "h";
        var cte = pg ? "" : $"WITH RECURSIVE h(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM h WHERE n < {Hours - 1}) ";
        var tailHours = pg ? "generate_series(0, 4) AS k(n)" : "(SELECT 0 AS n UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4) k";
        var columns = "\"ClientId\", \"Hour\", \"Model\", \"Outcome\", \"Calls\", \"InputTokens\", \"OutputTokens\", \"CoinsMicros\"";
        const string calls = "(1 + (c.\"Id\" + h.n) % 20)";
        var usage = await Exec($"""
            INSERT INTO usage_hours ({columns}) {cte}
            SELECT c."Id", {hourOf}, m.model, 'ok', {calls}, {calls} * 300, {calls} * 120, {calls} * 540
            FROM clients c CROSS JOIN {hoursFrom} CROSS JOIN (SELECT 'llama3' AS model UNION ALL SELECT 'mistral') m
            WHERE c."Id" <= {busy}
            """);
        usage += await Exec($"""
            INSERT INTO usage_hours ({columns}) {cte}
            SELECT c."Id", {hourOf}, 'llama3', 'refused_budget', 1, 0, 0, 0
            FROM clients c CROSS JOIN {hoursFrom} WHERE c."Id" <= {busy} AND h.n % 5 = 0
            """);
        var tailHourOf = hourOf.Replace("h.n", $"((c.\"Id\" * 37 + k.n * 131) % {Hours})", StringComparison.Ordinal);
        usage += await Exec($"""
            INSERT INTO usage_hours ({columns})
            SELECT c."Id", {tailHourOf}, 'llama3', 'ok', 2, 600, 240, 1080
            FROM clients c CROSS JOIN {tailHours} WHERE c."Id" > {busy} AND c."Id" <= {busy + Tail}
            """);
        var balances = await Exec("""
            INSERT INTO balance_hours ("ClientId", "Hour", "BalanceMicros", "BalanceAsOfMs")
            SELECT "ClientId", "Hour", 50000000, 0 FROM usage_hours GROUP BY "ClientId", "Hour"
            """);
        // As of the hour's start + 30 minutes, in Unix milliseconds.
        await Exec(pg
            ? """UPDATE balance_hours SET "BalanceAsOfMs" = (EXTRACT(EPOCH FROM "Hour") * 1000)::bigint + 1800000"""
            : """UPDATE balance_hours SET "BalanceAsOfMs" = CAST(strftime('%s', "Hour") AS INTEGER) * 1000 + 1800000""");
        var day = pg ? "date_trunc('day', \"Hour\", 'UTC')" : "strftime('%Y-%m-%d 00:00:00', \"Hour\")";
        var days = await Exec($"""
            INSERT INTO usage_days ("Day", "ClientId", "Calls", "InputTokens", "OutputTokens", "CoinsMicros")
            SELECT {day}, "ClientId", SUM("Calls"), SUM("InputTokens"), SUM("OutputTokens"), SUM("CoinsMicros")
            FROM usage_hours WHERE "Outcome" IN ('ok', 'client_closed') GROUP BY {day}, "ClientId"
            """);
        var totals = await Exec("""
            INSERT INTO usage_total_hours ("Hour", "Outcome", "Shard", "Calls", "InputTokens", "OutputTokens", "CoinsMicros")
            SELECT "Hour", "Outcome", 0, SUM("Calls"), SUM("InputTokens"), SUM("OutputTokens"), SUM("CoinsMicros")
            FROM usage_hours GROUP BY "Hour", "Outcome"
            """);
        await Exec(pg ? "VACUUM ANALYZE" : "ANALYZE");
        Console.WriteLine(Fmt.Inv($"seeded {Fmt.N(usage)} usage_hours, {Fmt.N(balances)} balance_hours, {Fmt.N(days)} usage_days, {Fmt.N(totals)} usage_total_hours rows ({Fmt.N(busy)} busy clients, {Fmt.N(Tail)} in the tail) in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s"));
        return 0;
    }

    /// <summary>Clients and pools by SQL for PostgreSQL (the SQLite seeder writes SQLite only), and a busy manager of every hundredth.</summary>
    private static string PgClients(int count) => $"""
        INSERT INTO clients ("Name", "CreatedAt", "CreatedBy", "IsActive", "ManagerCount", "SettingsSource", "AccessDefault", "Blacklist", "Whitelist", "Graylist")
        SELECT 'bench-' || lpad(n::text, 6, '0'), now() - interval '60 days', 'cli', true, 0, 'Default', 'Blacklist', '{"{}"}', '{"{}"}', '{"{}"}'
        FROM generate_series(1, {count}) AS n;
        INSERT INTO coin_pools ("ClientId", "ClientName", "MaxMicros", "RefreshMicrosPerHour", "StartingMicros", "BalanceMicros", "BalanceAsOfMs", "Requests", "InputTokens", "OutputTokens", "CoinsSpentMicros")
        SELECT "Id", "Name", 100000000, 50000, 100000000, 50000000, 0, 0, 0, 0, 0 FROM clients;
        INSERT INTO managers ("ClientId", "Email", "AddedAt", "AddedBy")
        SELECT "Id", '{BenchConfig.BusyManager}', now(), 'cli' FROM clients WHERE "Id" % 100 = 7;
        UPDATE clients SET "ManagerCount" = 1 WHERE "Id" % 100 = 7;
        """;

    public static async Task<int> RunAsync(string kind, string target, int runs)
    {
        await using var services = Services(kind, target);
        var board = services.GetRequiredService<UsageBoard>();
        var admin = new Actor(BenchConfig.Admin);
        var manager = new Actor(BenchConfig.BusyManager);
        string busyName, managedName;
        await using (var connection = Connection(kind, target))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = """SELECT "Name" FROM clients WHERE "Id" IN (1, 7) ORDER BY "Id" """;
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            busyName = reader.GetString(0);
            await reader.ReadAsync();
            managedName = reader.GetString(0);
        }

        var cases = new List<(string Label, Func<Task<string>> Run)>();
        foreach (var window in Enum.GetValues<UsageWindow>())
        {
            cases.Add(($"/clients board, admin, {window}", async () => Board((await board.ForClientsAsync(admin, window)).Unwrap())));
            cases.Add(($"/clients board, busy manager, {window}", async () => Board((await board.ForClientsAsync(manager, window)).Unwrap())));
            cases.Add(($"detail {busyName}, admin, {window}", async () => Client((await board.ForClientAsync(admin, busyName, window)).Unwrap())));
            cases.Add(($"detail {managedName}, its manager, {window}", async () => Client((await board.ForClientAsync(manager, managedName, window)).Unwrap())));
        }

        Console.WriteLine();
        Console.WriteLine(Fmt.Inv($"### UsageBoard on {kind} ({runs} runs each, after one warm-up), load {File.ReadAllText("/proc/loadavg").Trim()}"));
        Console.WriteLine();
        Console.WriteLine("| query | what it read | p50 ms | p95 ms |");
        Console.WriteLine("|---|---|---:|---:|");
        foreach (var (label, run) in cases)
        {
            var what = await run();
            var samples = new Samples();
            for (var i = 0; i < runs; i++) samples.Add(await Samples.TimeAsync(run));
            Console.WriteLine(Fmt.Inv($"| {label} | {what} | {Fmt.Ms(samples.P50)} | {Fmt.Ms(samples.P95)} |"));
        }
        Console.WriteLine(Fmt.Inv($"load after: {File.ReadAllText("/proc/loadavg").Trim()}"));
        SqliteConnection.ClearAllPools();
        return 0;
    }

    private static string Board(UsageBoardView view) =>
        Fmt.Inv($"{Fmt.N(view.Usage.Sum(u => u.Requests))} requests, top {view.Top.Count}");

    private static string Client(ClientUsageView view) =>
        Fmt.Inv($"{Fmt.N(view.Models.Sum(m => m.Usage.Sum(u => u.Requests)))} requests, {view.Models.Count} models");
}

using System.Data.Common;
using System.Diagnostics;
using Lumen.Domain.Calls;
using Lumen.Infrastructure;
using Lumen.Infrastructure.ApiKeys;
using Lumen.Infrastructure.Clients;
using Lumen.Infrastructure.UseCases;
using Lumen.Infrastructure.Config;
using Lumen.Infrastructure.Persistence;
using Lumen.Infrastructure.RequestLog;
using Lumen.Seeding;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Lumen.Bench.ClientsScale;

/// <summary>
/// A client's request log at scale (§16): seeds N log rows (80 % for one busy client) over the last 90 days into a
/// fresh SQLite or PostgreSQL database, then times <see cref="RequestLogService.PageAsync"/> as the detail page and
/// the CSV call it, in the database: p50/p95 over the runs after one warm-up, and the plans of the first and a deep page.
/// </summary>
internal static class RequestLogBench
{
    public const string Busy = "log-busy";
    private static readonly string[] Clients = [Busy, .. Enumerable.Range(1, 9).Select(i => Fmt.Inv($"log-quiet-{i}"))];

    private static ServiceProvider Services(DatabaseOptions database)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(new ConfigState(Path.GetFullPath("bench-config.yaml"), ConfigLoader.Parse(BenchConfig.Yaml())));
        services.AddSingleton(new ApiKeyHasher([.. Enumerable.Range(1, 32).Select(i => (byte)i)]));
        services.AddLumenCore(database);
        return services.BuildServiceProvider();
    }

    public static DatabaseOptions Database(string provider, string connection) =>
        new(Enum.Parse<DatabaseProviderKind>(provider, ignoreCase: true), connection);

    public static async Task<int> SeedAsync(DatabaseOptions database, long rows)
    {
        // About 100 bytes a row and as much again for its two indexes; 250 leaves room for the WAL.
        var pg = database.Provider == DatabaseProviderKind.PostgreSQL;
        if (DiskSpace.LocalPath(database.ConnectionString, pg) is { } path && !DiskSpace.Enough(path, rows * 250, "requestlog-seed")) return 3;
        await using (var services = Services(database))
        {
            await services.GetRequiredService<LumenDatabase>().MigrateAsync();
            foreach (var name in Clients)
            {
                (await services.GetRequiredService<ClientService>().CreateAsync(Actor.Cli, name)).Unwrap();
                var keys = services.GetRequiredService<ApiKeyService>();
                (await keys.CreateAsync(Actor.Cli, name, "main")).Unwrap();
                if (name == Busy) (await keys.CreateAsync(Actor.Cli, name, "batch")).Unwrap();
            }
        }
        var started = Stopwatch.GetTimestamp();
        var now = DateTime.UtcNow;
        await BulkClientSeeder.SeedRequestLogAsync(database, Clients, rows, now.AddDays(-90), now);
        SqliteConnection.ClearAllPools();
        Console.WriteLine(Fmt.Inv($"seeded {Fmt.N(rows)} request-log rows over {Clients.Length} clients in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s"));
        return 0;
    }

    public static async Task<int> RunAsync(DatabaseOptions database, int runs)
    {
        var capture = new SqlCapture();
        await using var services = Services(database);
        var log = services.GetRequiredService<RequestLogService>();
        var admin = new Actor(BenchConfig.Admin);
        var now = DateTime.UtcNow;
        // A cursor 45 days deep (about half of the busy client's rows are older), and one near the oldest end.
        var deep = (await log.PageAsync(admin, Busy, new RequestLogQuery(Until: now.AddDays(-45), Limit: 1))).Unwrap().Entries[0].Cursor;
        var deepest = (await log.PageAsync(admin, Busy, new RequestLogQuery(Until: now.AddDays(-89.9), Limit: 1))).Unwrap().Entries[0].Cursor;
        var key = (await services.GetRequiredService<ApiKeyService>().ListAsync(admin, Busy)).Unwrap()[0].PublicId;
        var week = now.AddDays(-7);

        var cases = new (string Label, RequestLogQuery Query)[]
        {
            ("first page (25)", new()),
            ("deep page (before a cursor 45 days back)", new(Before: deep)),
            ("deepest page (before a cursor 89.9 days back)", new(Before: deepest)),
            ("newer page (after the deep cursor)", new(After: deep)),
            ("filter: last 7 days", new(Since: week)),
            ("filter: a window 50–49 days back", new(Since: now.AddDays(-50), Until: now.AddDays(-49))),
            ("filter: model llama3 (25 %)", new(Model: "llama3")),
            ("filter: model llama3, deep", new(Model: "llama3", Before: deep)),
            ("filter: outcome upstream_error (1 %)", new(Outcome: CallOutcome.UpstreamError)),
            ("filter: outcome upstream_error, deep", new(Outcome: CallOutcome.UpstreamError, Before: deep)),
            ("filter: model gray-model + outcome upstream_error (0.05 %)", new(Model: "gray-model", Outcome: CallOutcome.UpstreamError)),
            ("filter: outcome client_closed (no row matches)", new(Outcome: CallOutcome.ClientClosed)),
            ("filter: one of two keys", new(Key: key)),
            ("filter: key + model + 7 days", new(Key: key, Model: "gray-model", Since: week)),
            ("CSV page (1,000 rows)", new(Limit: RequestLogQuery.MaxLimit)),
            ("CSV page (1,000 rows), deep", new(Before: deep, Limit: RequestLogQuery.MaxLimit)),
        };
        var quiet = Clients[1];
        var quietDeep = (await log.PageAsync(admin, quiet, new RequestLogQuery(Until: now.AddDays(-45), Limit: 1))).Unwrap().Entries[0].Cursor;
        var quietCases = new (string Label, RequestLogQuery Query)[]
        {
            (Fmt.Inv($"{quiet} (about 2 % of the rows): first page"), new()),
            (Fmt.Inv($"{quiet}: deep page (45 days back)"), new(Before: quietDeep)),
        };

        Console.WriteLine();
        Console.WriteLine(Fmt.Inv($"### RequestLogService on {database.Provider}, client {Busy} unless named ({runs} runs each, after one warm-up)"));
        Console.WriteLine();
        Console.WriteLine("| query | rows | p50 ms | p95 ms |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var (client, label, query) in cases.Select(c => (Busy, c.Label, c.Query)).Concat(quietCases.Select(c => (quiet, c.Label, c.Query))))
        {
            var page = (await log.PageAsync(admin, client, query)).Unwrap();
            var samples = new Samples();
            for (var i = 0; i < runs; i++) samples.Add(await Samples.TimeAsync(() => log.PageAsync(admin, client, query)));
            var searched = page.SearchedTo is null ? "" : " (bound reached)";
            Console.WriteLine(Fmt.Inv($"| {label} | {page.Entries.Count}{searched} | {Fmt.Ms(samples.P50)} | {Fmt.Ms(samples.P95)} |"));
        }
        await SearchToTheEndAsync(log, admin, new RequestLogQuery(Outcome: CallOutcome.ClientClosed), runs);
        var csv = new Samples();
        for (var i = 0; i < Math.Min(runs, 3); i++)
            csv.Add(await Samples.TimeAsync(() => log.PageAsync(admin, Busy, new RequestLogQuery(Outcome: CallOutcome.ClientClosed, Limit: RequestLogQuery.MaxLimit, WholeLog: true))));
        Console.WriteLine(Fmt.Inv($"| CSV page, outcome client_closed (the whole log, unbounded) | 0 | {Fmt.Ms(csv.P50)} | {Fmt.Ms(csv.P95)} |"));
        foreach (var (client, label, query) in new[]
        {
            (Busy, "first page", new RequestLogQuery()), (Busy, "deep page", new RequestLogQuery(Before: deep)),
            (quiet, "quiet client's deep page", new RequestLogQuery(Before: quietDeep)),
            (Busy, "no-match filter's bounded page (outcome client_closed)", new RequestLogQuery(Outcome: CallOutcome.ClientClosed)),
        })
        {
            (capture.Last, capture.Previous) = (null, null);
            await log.PageAsync(admin, client, query);
            // A bounded page first reads where its walk ends (the statement before the page's).
            if (query.FiltersRows) await PrintPlanAsync(database, $"{label}: where the walk ends", capture.Previous!.Value);
            await PrintPlanAsync(database, label, capture.Last!.Value);
        }
        SqliteConnection.ClearAllPools();
        return 0;
    }

    /// <summary>
    /// A filter with no match, followed by "Search older" to the log's end: how many bounded searches that is, and each
    /// one's p50/p95 (the searches of one walk, over the runs).
    /// </summary>
    private static async Task SearchToTheEndAsync(RequestLogService log, Actor admin, RequestLogQuery query, int runs)
    {
        var each = new Samples();
        var searches = 0;
        for (var run = 0; run < Math.Max(1, runs / 5); run++)
        {
            var before = (RequestLogCursor?)null;
            searches = 0;
            while (true)
            {
                RequestLogPage page = RequestLogPage.Empty;
                each.Add(await Samples.TimeAsync(async () => page = (await log.PageAsync(admin, Busy, query with { Before = before })).Unwrap()));
                searches++;
                if (page.SearchedTo is not { } searched) break;
                before = searched;
            }
        }
        Console.WriteLine(Fmt.Inv($"| outcome client_closed, \"Search older\" to the log's end: each of {searches} searches | 0 | {Fmt.Ms(each.P50)} | {Fmt.Ms(each.P95)} |"));
    }

    private static async Task PrintPlanAsync(DatabaseOptions database, string label,
        (string Text, List<(string Name, object? Value, System.Data.DbType Type)> Parameters) captured)
    {
        Console.WriteLine();
        Console.WriteLine(Fmt.Inv($"Plan of the {label}:"));
        Console.WriteLine("```");
        foreach (var line in await PlanAsync(database, captured)) Console.WriteLine(line);
        Console.WriteLine("```");
    }

    /// <summary>EXPLAIN (QUERY PLAN) of a captured command, with its parameters, on a connection of its own.</summary>
    private static async Task<List<string>> PlanAsync(DatabaseOptions database, (string Text, List<(string Name, object? Value, System.Data.DbType Type)> Parameters) captured)
    {
        await using DbConnection connection = database.Provider == DatabaseProviderKind.PostgreSQL
            ? new NpgsqlConnection(database.ConnectionString) : new SqliteConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = (database.Provider == DatabaseProviderKind.PostgreSQL ? "EXPLAIN (ANALYZE, BUFFERS) " : "EXPLAIN QUERY PLAN ") + captured.Text;
        foreach (var (name, value, _) in captured.Parameters)
        {
            var copy = command.CreateParameter();
            copy.ParameterName = name;
            copy.Value = value;
            command.Parameters.Add(copy);
        }
        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) lines.Add(reader.GetValue(reader.FieldCount - 1).ToString()!);
        return lines;
    }
}

/// <summary>
/// Keeps the last statement that read the request log, text and parameters, from EF's diagnostic events (the product
/// builds its own context options), for its plan.
/// </summary>
internal sealed class SqlCapture : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>
{
    public SqlCapture() => DiagnosticListener.AllListeners.Subscribe(this);

    public (string Text, List<(string Name, object? Value, System.Data.DbType Type)> Parameters)? Last { get; set; }

    /// <summary>The one before <see cref="Last"/>.</summary>
    public (string Text, List<(string Name, object? Value, System.Data.DbType Type)> Parameters)? Previous { get; set; }

    public void OnNext(DiagnosticListener value)
    {
        if (value.Name == Microsoft.EntityFrameworkCore.DbLoggerCategory.Name) value.Subscribe(this);
    }

    public void OnNext(KeyValuePair<string, object?> value)
    {
        // Once per statement: as it starts (it is reported again when it has run).
        if (value.Key == Microsoft.EntityFrameworkCore.Diagnostics.RelationalEventId.CommandExecuting.Name
            && value.Value is Microsoft.EntityFrameworkCore.Diagnostics.CommandEventData { Command: var command }
            && command.CommandText.Contains("request_log", StringComparison.Ordinal))
            (Previous, Last) = (Last, (command.CommandText, [.. command.Parameters.Cast<DbParameter>().Select(p => (p.ParameterName, p.Value, p.DbType))]));
    }

    public void OnCompleted()
    {
    }

    public void OnError(Exception error)
    {
    }
}

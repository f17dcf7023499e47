using System.Data.Common;
using Lumen.Infrastructure.Persistence;
using Lumen.Infrastructure.RequestLog;
using Lumen.Tests.Infrastructure.Databases;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace Lumen.Tests.Infrastructure.RequestLog;

/// <summary>
/// The statements the log's pages run walk the (client, time, id) index in its order, with no sort of their own, on
/// SQLite and PostgreSQL: so a first page and a page deep in 10 million rows cost alike (bench/README.md measures it).
/// PostgreSQL is asked to avoid other plans, since on a tiny table it would rightly read the table instead; that still
/// proves the index serves the statement's order and its cursor.
/// </summary>
[Collection("postgres")]
public sealed class RequestLogPlanTests(PostgresServer postgres)
{
    private const string Index = "IX_request_log_ClientId_At_Id";

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task First_and_deep_pages_walk_the_client_time_index_without_sorting(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        var capture = new Capture();
        var portal = new TestPortal(db, interceptor: capture);
        await using var _ = portal;
        var alpha = (await portal.CreateClientAsync("alpha")).Id;
        var key = await portal.CreateKeyAsync("alpha");
        for (var i = 0; i < 30; i++)
        {
            portal.Clock.Advance(TimeSpan.FromSeconds(1));
            await portal.Ledger.ChargeAsync(alpha, key.Id, "dummy", 1, 1, 0m, 1);
        }
        var log = portal.Get<RequestLogService>();
        var first = (await log.PageAsync(TestPortal.Admin, "alpha", new RequestLogQuery(Limit: 10))).Unwrap();

        foreach (var query in new RequestLogQuery[] { new(Limit: 10), new(Before: first.Older, Limit: 10), new(After: first.Older, Limit: 10) })
        {
            capture.Last = null;
            (await log.PageAsync(TestPortal.Admin, "alpha", query)).Unwrap().Entries.Should().NotBeEmpty();
            var plan = string.Join("\n", await PlanAsync(db.Options, capture.Last!.Value));
            plan.Should().Contain(Index, "the page reads the client's rows from the index ({0})", plan);
            if (provider == DatabaseProviderKind.Sqlite) plan.Should().NotContain("TEMP B-TREE", "the index gives the order");
            else plan.Should().NotContain("Sort", "the index gives the order");
            if (query.Before is not null || query.After is not null)
                plan.Should().MatchRegex(provider == DatabaseProviderKind.Sqlite ? "ClientId=\\? AND At[<>]" : "Index Cond: .*\"At\" [<>]=",
                    "the cursor's time bounds the index range: a deep page starts where it starts ({0})", plan);
        }
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task A_filtered_page_finds_where_its_bounded_walk_ends_from_the_index_alone(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        var capture = new Capture();
        var portal = new TestPortal(db, interceptor: capture);
        await using var _ = portal;
        await portal.CreateClientAsync("alpha");
        capture.All.Clear();

        (await portal.Get<RequestLogService>().PageAsync(TestPortal.Admin, "alpha", new RequestLogQuery(Model: "dummy"))).Unwrap();

        // The log is empty: the first step's end is not there, so the page is read unbounded, after one look at the index.
        capture.All.Should().HaveCount(2, "where the walk ends, then the page");
        var plan = string.Join("\n", await PlanAsync(db.Options, capture.All[0]));
        plan.Should().Contain(Index);
        if (provider == DatabaseProviderKind.Sqlite) plan.Should().Contain("COVERING INDEX", "time and id are in the index ({0})", plan);
        else plan.Should().Contain("Index Only Scan", "time and id are in the index ({0})", plan);
    }

    private static async Task<List<string>> PlanAsync(DatabaseOptions options, (string Text, List<(string, object?)> Parameters) captured)
    {
        var postgres = options.Provider == DatabaseProviderKind.PostgreSQL;
        await using DbConnection connection = postgres ? new NpgsqlConnection(options.ConnectionString) : new SqliteConnection(options.ConnectionString);
        await connection.OpenAsync();
        if (postgres)
        {
            await using var off = connection.CreateCommand();
            off.CommandText = "SET enable_seqscan = off; SET enable_bitmapscan = off; SET enable_sort = off";
            await off.ExecuteNonQueryAsync();
        }
        await using var command = connection.CreateCommand();
        command.CommandText = (postgres ? "EXPLAIN " : "EXPLAIN QUERY PLAN ") + captured.Text;
        foreach (var (name, value) in captured.Parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }
        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) lines.Add(reader.GetValue(reader.FieldCount - 1).ToString()!);
        return lines;
    }

    /// <summary>The last statement that read the request log, text and parameters.</summary>
    private sealed class Capture : DbCommandInterceptor
    {
        public (string Text, List<(string, object?)> Parameters)? Last { get; set; }

        /// <summary>Every statement that read the request log, in order.</summary>
        public List<(string Text, List<(string, object?)> Parameters)> All { get; } = [];

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            if (command.CommandText.Contains("request_log", StringComparison.Ordinal))
            {
                Last = (command.CommandText, [.. command.Parameters.Cast<DbParameter>().Select(p => (p.ParameterName, p.Value))]);
                All.Add(Last.Value);
            }
            return ValueTask.FromResult(result);
        }
    }
}

using Lumen.Infrastructure.Persistence;
using Microsoft.Data.Sqlite;

namespace Lumen.Seeding;

public static partial class BulkClientSeeder
{
    private static readonly string[] LogColumns =
        ["ClientId", "ApiKeyId", "Model", "Status", "ErrorCode", "InputTokens", "OutputTokens", "CoinsMicros", "DurationMs", "At",
         "Operation", "Outcome", "RequestId"];

    /// <summary>
    /// Adds <paramref name="rows"/> request-log rows to a migrated database (SQLite or PostgreSQL), oldest first, evenly
    /// from <paramref name="from"/> to <paramref name="to"/>: <paramref name="busyShare"/> of them for the first of
    /// <paramref name="clients"/>, the rest spread over the others, each row on one of its client's keys; models dummy,
    /// llama3 and gray-model (70/25/5 %), outcomes ok, refused_budget and upstream_error (97/2/1 %). For benchmarks.
    /// </summary>
    public static async Task SeedRequestLogAsync(DatabaseOptions database, IReadOnlyList<string> clients, long rows, DateTime from,
        DateTime to, double busyShare = 0.8, CancellationToken ct = default)
    {
        var keys = await KeysOfAsync(database, clients, ct);
        var random = new Random(20261202);
        var step = (to - from).Ticks / Math.Max(1, rows);
        IEnumerable<object?[]> Rows()
        {
            for (long i = 0; i < rows; i++)
            {
                var client = random.NextDouble() < busyShare ? 0 : 1 + random.Next(clients.Count - 1);
                var (clientId, clientKeys) = keys[client];
                var roll = random.Next(100);
                var model = roll < 70 ? "dummy" : roll < 95 ? "llama3" : "gray-model";
                var outcome = random.Next(100);
                var (status, error, word) = outcome < 97 ? (200, (string?)null, "ok")
                    : outcome < 99 ? (429, "insufficient_quota", "refused_budget") : (502, "upstream_error", "upstream_error");
                var input = status == 200 ? random.Next(10, 4000) : 0L;
                var output = status == 200 ? random.Next(1, 2000) : 0L;
                yield return
                [
                    clientId, clientKeys[random.Next(clientKeys.Length)], model, status, error, input, output,
                    status == 200 ? input + 2 * output : 0L, random.Next(5, 5000), from.AddTicks(step * i), "chat", word,
                    Guid.NewGuid().ToString("N"),
                ];
            }
        }
        await WriteAsync(database, Rows(), ct);
    }

    /// <summary>Writes <paramref name="rows"/> as they are (their ids aside), in bulk: for tests that need a long log.</summary>
    internal static Task WriteRequestLogAsync(DatabaseOptions database, IEnumerable<RequestLogRow> rows, CancellationToken ct = default)
    {
        var values = rows.Select(r => new object?[]
        {
            r.ClientId, r.ApiKeyId, r.Model, r.Status, r.ErrorCode, r.InputTokens, r.OutputTokens, r.CoinsMicros, r.DurationMs,
            DateTime.SpecifyKind(r.At, DateTimeKind.Utc), r.Operation, r.Outcome, r.RequestId,
        });
        return WriteAsync(database, values, ct);
    }

    // The database's own bulk copy where it has one (PostgreSQL's binary COPY), else prepared inserts (SQLite).
    private static async Task WriteAsync(DatabaseOptions database, IEnumerable<object?[]> rows, CancellationToken ct)
    {
        if (database.Provider == DatabaseProviderKind.PostgreSQL)
            await PostgreSqlBulkCopy.CopyAsync(database.ConnectionString, "request_log", LogColumns, rows, ct);
        else
            await InsertSqliteAsync(database.ConnectionString, rows, ct);
    }

    private static async Task<List<(int Client, int[] Keys)>> KeysOfAsync(DatabaseOptions database, IReadOnlyList<string> clients, CancellationToken ct)
    {
        var contexts = DatabaseProvider.CreateFactory(database);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var found = new List<(int, int[])>();
        foreach (var name in clients)
        {
            var id = db.Clients.Where(c => c.Name == name).Select(c => c.Id).Single();
            var keyIds = db.ApiKeys.Where(k => k.ClientId == id).Select(k => k.Id).ToArray();
            if (keyIds.Length == 0) throw new InvalidOperationException($"Client {name} has no API key to log calls on.");
            found.Add((id, keyIds));
        }
        return found;
    }

    private static async Task InsertSqliteAsync(string connectionString, IEnumerable<object?[]> rows, CancellationToken ct)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(ct);
        await using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA synchronous=OFF;";
            await pragma.ExecuteNonQueryAsync(ct);
        }
        var names = LogColumns.Select(c => "$" + c).ToArray();
        var sql = $"INSERT INTO request_log ({string.Join(", ", LogColumns)}) VALUES ({string.Join(", ", names)})";
        var written = 0;
        var tx = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
        var insert = Prepare(connection, tx, sql, names);
        foreach (var row in rows)
        {
            row[9] = Timestamp((DateTime)row[9]!);
            await Run(insert, ct, [.. row.Select(v => v ?? DBNull.Value)]);
            if (++written % 500_000 != 0) continue;
            await tx.CommitAsync(ct);
            await insert.DisposeAsync();
            await tx.DisposeAsync();
            tx = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
            insert = Prepare(connection, tx, sql, names);
        }
        await tx.CommitAsync(ct);
        await insert.DisposeAsync();
        await tx.DisposeAsync();
        await using var analyze = connection.CreateCommand();
        analyze.CommandText = "ANALYZE;";
        await analyze.ExecuteNonQueryAsync(ct);
    }
}

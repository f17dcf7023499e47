using System.Globalization;
using System.Text.Json;
using Lumen.Infrastructure.Persistence;
using Microsoft.Data.Sqlite;

namespace Lumen.Seeding;

/// <summary>
/// Fills a SQLite database with many clients at once, for benchmarks (bench/ClientsScale): the schema from the
/// product's own migrations, then the rows with prepared statements in one transaction, far faster than the use
/// cases (which check names and publish changes one client at a time). Not for a database anyone uses.
/// </summary>
public static partial class BulkClientSeeder
{
    /// <summary>
    /// Migrates the SQLite database at <paramref name="dbPath"/> (which should not exist yet) and writes
    /// <paramref name="clients"/> with ids 1, 2, … in the order given. Returns the number of manager rows written.
    /// </summary>
    public static async Task<int> SeedSqliteAsync(string dbPath, IEnumerable<SeedClient> clients, CancellationToken ct = default)
    {
        var connectionString = $"Data Source={dbPath}";
        await new LumenDatabase(DatabaseProvider.CreateFactory(DatabaseOptions.ForSqlite(connectionString))).MigrateAsync(ct);
        SqliteConnection.ClearAllPools();

        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(ct);
        await using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA synchronous=OFF;";
            await pragma.ExecuteNonQueryAsync(ct);
        }
        await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
        await using var client = Prepare(connection, tx, """
            INSERT INTO clients (Id, Name, CreatedAt, CreatedBy, IsActive, ManagerCount, SettingsSource, AccessDefault, Blacklist, Whitelist, Graylist)
            VALUES ($id, $name, $created, $createdBy, $active, $managers, $source, $default, $black, $white, $gray)
            """, "$id", "$name", "$created", "$createdBy", "$active", "$managers", "$source", "$default", "$black", "$white", "$gray");
        await using var pool = Prepare(connection, tx, """
            INSERT INTO coin_pools (ClientId, ClientName, MaxMicros, RefreshMicrosPerHour, StartingMicros, BalanceMicros, BalanceAsOfMs,
                                    Requests, InputTokens, OutputTokens, CoinsSpentMicros)
            VALUES ($id, $name, $max, $refresh, $starting, $balance, $asof, $requests, $input, $output, $coins)
            """, "$id", "$name", "$max", "$refresh", "$starting", "$balance", "$asof", "$requests", "$input", "$output", "$coins");
        await using var manager = Prepare(connection, tx, """
            INSERT INTO managers (ClientId, Email, AddedAt, AddedBy) VALUES ($id, $email, $added, $addedBy)
            """, "$id", "$email", "$added", "$addedBy");

        var id = 0;
        var managerRows = 0;
        foreach (var c in clients)
        {
            id++;
            // The columns exactly as the use cases write them (PoolMapping.SetAccess), so nothing reads differently.
            var row = new ClientRow();
            PoolMapping.SetAccess(row, c.Settings);
            await Run(client, ct, id, c.Name, Timestamp(c.CreatedAt), c.CreatedBy, c.IsActive ? 1 : 0, c.Managers.Count,
                row.SettingsSource, row.AccessDefault, Json(row.Blacklist), Json(row.Whitelist), Json(row.Graylist));
            var budget = c.Settings.Budget;
            await Run(pool, ct, id, c.Name, budget.Max.Micros, budget.RefreshPerHour.Micros, budget.Starting.Micros,
                c.Balance.Balance.Micros, c.Balance.AsOfMs, c.Requests, c.InputTokens, c.OutputTokens, c.CoinsSpent.Micros);
            foreach (var m in c.Managers)
            {
                await Run(manager, ct, id, m.Email, Timestamp(m.AddedAt), m.AddedBy);
                managerRows++;
            }
        }
        await tx.CommitAsync(ct);
        return managerRows;
    }

    private static string Json(List<string> models) => JsonSerializer.Serialize(models);

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

    private static Task<int> Run(SqliteCommand command, CancellationToken ct, params object[] values)
    {
        for (var i = 0; i < values.Length; i++) command.Parameters[i].Value = values[i];
        return command.ExecuteNonQueryAsync(ct);
    }
}

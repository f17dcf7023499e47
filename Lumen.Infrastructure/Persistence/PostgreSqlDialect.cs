using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Lumen.Infrastructure.Persistence;

/// <summary>
/// PostgreSQL's words: array parameters, so the ledger writes many rows in one statement and calls that arrive
/// together read their keys in one; transaction-scoped advisory locks.
/// </summary>
internal sealed class PostgreSqlDialect : SqlDialect
{
    internal const int AutoPrepared = 32;

    public override IDbContextFactory<LumenDbContext> CreateFactory(DatabaseOptions options, IInterceptor[] interceptors) =>
        DatabaseProvider.Pooled<PostgreSqlLumenDbContext>(options, interceptors);

    public override void Use(DbContextOptionsBuilder builder, string connectionString) => builder.UseNpgsql(Prepare(connectionString));

    /// <summary>
    /// Npgsql prepares the statements a connection runs often (<c>Max Auto Prepare</c>) unless the connection string
    /// says otherwise: every call runs the same few, and PostgreSQL then skips parsing and planning them. Measured in
    /// bench/gateway-load.sh (BENCH_DB=postgresql): about twice the calls a second on the built-in model.
    /// A pooled connection is also not reset when it goes back to the pool (<c>No Reset On Close</c>): the reset is
    /// three more statements (session authorization, settings, advisory locks) on every call's key lookup, and the
    /// portal changes no session state and takes advisory locks only for the length of a transaction.
    /// </summary>
    internal static string Prepare(string connectionString)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (!given.ContainsKey("Max Auto Prepare") && !given.ContainsKey("MaxAutoPrepare")) given["Max Auto Prepare"] = AutoPrepared;
        if (!given.ContainsKey("No Reset On Close") && !given.ContainsKey("NoResetOnClose")) given["No Reset On Close"] = true;
        return given.ConnectionString;
    }

    public override bool GroupsKeyLookups => true;

    public override async Task<bool> TryLockTransactionAsync(LumenDbContext db, long key, string name, CancellationToken ct)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction!.GetDbTransaction();
        command.CommandText = "SELECT pg_try_advisory_xact_lock(@key)";
        command.Parameters.Add(new RawParameters(db).Of("@key", key));
        return await command.ExecuteScalarAsync(ct) is true;
    }

    // unnest is the column itself: no FROM.
    public override string ArrayColumn(string name) => $"unnest({name})";

    public override string ArrayFrom(string name) => "";

    public override DbParameter ArrayParameter(RawParameters parameters, string name, IReadOnlyCollection<int> ids) =>
        parameters.Of(name, ids.ToArray());

    public override DbParameter ArrayParameter(RawParameters parameters, string name, IReadOnlyCollection<string> texts) =>
        parameters.Of(name, texts.ToArray());

    public override string RowsFromArrays(int columns) => $"SELECT * FROM unnest({Arrays(columns)})";

    public override string ArrayTableInOrder(string alias, string[] columns, string ordinal) =>
        $"unnest({Arrays(columns.Length)}) WITH ORDINALITY AS {alias}({string.Join(", ", columns)}, {ordinal})";

    public override string WhereAnyOf(string column, string parameter) => $"{column} = ANY({parameter})";

    // FOR UPDATE after ORDER BY locks in that order, and every row updated has been locked by it first.
    public override string SetManyById(string table, string id, string column) =>
        $"WITH locked AS MATERIALIZED (SELECT {id} FROM {table} WHERE {id} = ANY(@p1) ORDER BY {id} FOR UPDATE) " +
        $"UPDATE {table} SET {column} = u.at FROM unnest(@p0, @p1) AS u(at, id) " +
        $"JOIN locked ON locked.{id} = u.id WHERE {table}.{id} = u.id";

    private static string Arrays(int count) => string.Join(", ", Enumerable.Range(0, count).Select(i => $"@p{i}"));
}

using System.Data.Common;
using Lumen.Domain.Calls;
using Lumen.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Infrastructure.Usage;

/// <summary>One call as the ledger writes it: its log row, and whether it is charged (successful calls only).</summary>
internal sealed record LedgerEntry(CallRecord Call, DateTimeOffset At, bool Charged);

/// <summary>
/// The ledger writer's own connection and its three statements (charge, log row, key last used), prepared once and
/// run with new values for every call, so a call costs the database work and nothing else. Used by one writer at a
/// time; thrown away after any failure (the connection may be broken) and opened again for the next batch.
/// </summary>
internal sealed class LedgerSession : IAsyncDisposable
{
    private readonly LumenDbContext _db;
    private readonly DbConnection _connection;
    private readonly Statement _charge;
    private readonly Statement _log;
    private readonly Statement _keyUsed;
    private readonly int _modelMaxLength;

    private LedgerSession(LumenDbContext db, DbConnection connection, PoolSql sql)
    {
        _db = db;
        _connection = connection;
        _modelMaxLength = sql.LogModelMaxLength;
        _charge = new Statement(connection, sql.Charge, "@now", "@cost", "@input", "@output", "@client");
        _log = new Statement(connection, sql.LogInsert, "@client", "@key", "@model", "@status", "@error", "@input", "@output", "@coins", "@duration", "@at",
            "@operation", "@outcome", "@request");
        _keyUsed = new Statement(connection, sql.KeyUsed, "@at", "@key");
    }

    public static async Task<LedgerSession> OpenAsync(IDbContextFactory<LumenDbContext> contexts)
    {
        var db = await contexts.CreateDbContextAsync();
        try
        {
            await db.Database.OpenConnectionAsync();
            return new LedgerSession(db, db.Database.GetDbConnection(), PoolSql.For(db));
        }
        catch
        {
            await db.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Writes <paramref name="entries"/> in one transaction: for each charged call one UPDATE of its pool row (refill,
    /// subtract, count), for every call its log row, and each key's last use once. Returns when committed.
    /// </summary>
    public async Task CommitAsync(IReadOnlyList<LedgerEntry> entries)
    {
        await using var tx = await _connection.BeginTransactionAsync();
        // Where the provider batches (PostgreSQL, SQL Server), every statement of the commit goes in one round trip;
        // each charge is still its own UPDATE, run in order, and all of them commit together or not at all.
        var batch = _connection.CanCreateBatch ? _connection.CreateBatch() : null;
        await using (batch)
        {
            if (batch is not null) batch.Transaction = tx;
            else _charge.Command.Transaction = _log.Command.Transaction = _keyUsed.Command.Transaction = tx;
            async Task RunAsync(Statement statement, params object?[] values)
            {
                if (batch is null) await statement.RunAsync(values);
                else batch.BatchCommands.Add(statement.ForBatch(batch, values));
            }

            // Pool rows, then key rows, each in id order (stable, so one client's charges keep their order): two
            // instances committing at once lock rows in the same order and do not deadlock each other.
            var lastUse = new SortedDictionary<int, DateTimeOffset>();
            foreach (var entry in entries.OrderBy(e => e.Charged ? e.Call.ClientId : int.MaxValue))
            {
                var call = entry.Call;
                if (entry.Charged)
                {
                    await RunAsync(_charge, entry.At.ToUnixTimeMilliseconds(), call.CoinsMicros, call.InputTokens, call.OutputTokens, call.ClientId);
                    if (call.ApiKeyId is { } key) lastUse[key] = lastUse.TryGetValue(key, out var seen) && seen > entry.At ? seen : entry.At;
                }
                await RunAsync(_log, call.ClientId, call.ApiKeyId, call.Model.Length > _modelMaxLength ? call.Model[.._modelMaxLength] : call.Model,
                    call.Status, call.ErrorCode, call.InputTokens, call.OutputTokens, call.CoinsMicros, call.DurationMs, entry.At.UtcDateTime,
                    call.Operation, call.Outcome.Word(), call.RequestId);
            }
            foreach (var (key, at) in lastUse) await RunAsync(_keyUsed, at.UtcDateTime, key);
            if (batch is not null) await batch.ExecuteNonQueryAsync();
        }
        CommitStarted = true;
        await tx.CommitAsync();
        CommitStarted = false;
    }

    /// <summary>
    /// True from the moment COMMIT is sent until it returns: a failure then leaves it unknown whether the batch
    /// was written, so it must not be retried. A failure before it rolls the whole batch back.
    /// </summary>
    public bool CommitStarted { get; private set; }

    public async ValueTask DisposeAsync()
    {
        await _charge.DisposeAsync();
        await _log.DisposeAsync();
        await _keyUsed.DisposeAsync();
        await _db.Database.CloseConnectionAsync();
        await _db.DisposeAsync();
    }

    /// <summary>A command kept for the session: providers that prepare (SQLite always) reuse the prepared statement.</summary>
    private sealed class Statement : IAsyncDisposable
    {
        public DbCommand Command { get; }

        public Statement(DbConnection connection, string sql, params string[] parameters)
        {
            Command = connection.CreateCommand();
            Command.CommandText = sql;
            foreach (var name in parameters)
            {
                var parameter = Command.CreateParameter();
                parameter.ParameterName = name;
                Command.Parameters.Add(parameter);
            }
        }

        public Task<int> RunAsync(params object?[] values)
        {
            for (var i = 0; i < values.Length; i++) Command.Parameters[i].Value = values[i] ?? DBNull.Value;
            return Command.ExecuteNonQueryAsync();
        }

        /// <summary>This statement with <paramref name="values"/>, as one command of <paramref name="batch"/>.</summary>
        public DbBatchCommand ForBatch(DbBatch batch, object?[] values)
        {
            var command = batch.CreateBatchCommand();
            command.CommandText = Command.CommandText;
            for (var i = 0; i < values.Length; i++)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = Command.Parameters[i].ParameterName;
                parameter.Value = values[i] ?? DBNull.Value;
                command.Parameters.Add(parameter);
            }
            return command;
        }

        public ValueTask DisposeAsync() => Command.DisposeAsync();
    }
}

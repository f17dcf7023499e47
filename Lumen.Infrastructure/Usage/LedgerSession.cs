using System.Data.Common;
using Lumen.Domain.Calls;
using Lumen.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Infrastructure.Usage;

/// <summary>One call as the ledger writes it: its log row, and whether it is charged (successful calls only).</summary>
internal sealed record LedgerEntry(CallRecord Call, DateTimeOffset At, bool Charged);

/// <summary>
/// The ledger writer's own connection and its statements (charge, count, log row, hourly usage, balance at the hour,
/// key last used), prepared once and run with new values for every call, so a call costs the database work and
/// nothing else. Used by one writer at a time; thrown away after any failure (the connection may be broken) and opened
/// again for the next batch.
/// </summary>
internal sealed class LedgerSession : IAsyncDisposable
{
    private readonly LumenDbContext _db;
    private readonly DbConnection _connection;
    private readonly Statement _charge;
    private readonly Statement _chargeAndCount;
    private readonly Statement _log;
    private readonly Statement _hour;
    private readonly Statement _day;
    private readonly Statement _total;
    private readonly Statement _balanceAtHour;
    private readonly Statement _keyUsed;
    private readonly Statement[] _statements;
    private readonly int _modelMaxLength;

    /// <summary>This process's row of every hour's totals: instances pick their own at random, so they rarely share one.</summary>
    private static readonly int ProcessShard = Random.Shared.Next(64);

    private LedgerSession(LumenDbContext db, DbConnection connection, PoolSql sql)
    {
        _db = db;
        _connection = connection;
        _modelMaxLength = sql.LogModelMaxLength;
        _charge = new Statement(connection, sql.Charge, "@now", "@cost", "@client");
        _chargeAndCount = new Statement(connection, sql.ChargeAndCount, "@now", "@cost", "@calls", "@input", "@output", "@coins", "@client");
        _log = new Statement(connection, sql.LogInsert, "@client", "@key", "@model", "@status", "@error", "@input", "@output", "@coins", "@duration", "@at",
            "@operation", "@outcome", "@request");
        string[] sums = ["@calls", "@inputtokens", "@outputtokens", "@coinsmicros"];
        _hour = new Statement(connection, sql.Usage.HourAdd, ["@clientid", "@hour", "@model", "@outcome", .. sums]);
        _day = new Statement(connection, sql.Usage.DayAdd, ["@day", "@clientid", .. sums]);
        _total = new Statement(connection, sql.Usage.TotalAdd, ["@hour", "@outcome", "@shard", .. sums]);
        _balanceAtHour = new Statement(connection, sql.Usage.BalanceAtHour, "@clientid", "@hour");
        _keyUsed = new Statement(connection, sql.KeyUsed, "@at", "@key");
        _statements = [_charge, _chargeAndCount, _log, _hour, _day, _total, _balanceAtHour, _keyUsed];
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
    /// Writes <paramref name="entries"/> in one transaction: for each charged call one UPDATE of its pool's balance
    /// (refill, subtract; the client's last one also adds the batch's calls to its counters), its balance at the end of
    /// each hour charged,
    /// for every call its log row and its hourly usage, and each key's last use once. Returns when committed.
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
            else foreach (var statement in _statements) statement.Command.Transaction = tx;
            async Task RunAsync(Statement statement, params object?[] values)
            {
                if (batch is null) await statement.RunAsync(values);
                else batch.BatchCommands.Add(statement.ForBatch(batch, values));
            }

            // Rows are locked in one order by every instance, so two committing at once do not deadlock: each pool
            // with its balance rows (client id order, stable so one client's charges keep their order), then hourly
            // usage (key order), then keys (id order). The log rows are new and lock nothing anyone waits for.
            var lastUse = new SortedDictionary<int, DateTimeOffset>();
            var charged = entries.Where(e => e.Charged).OrderBy(e => e.Call.ClientId).ToList();
            var first = 0; // the client's first charge in the batch
            for (var i = 0; i < charged.Count; i++)
            {
                var (call, at) = (charged[i].Call, charged[i].At);
                var next = i + 1 < charged.Count ? charged[i + 1] : null;
                var lastOfClient = next is null || next.Call.ClientId != call.ClientId;
                if (!lastOfClient) await RunAsync(_charge, at.ToUnixTimeMilliseconds(), call.CoinsMicros, call.ClientId);
                else await RunAsync(_chargeAndCount, [at.ToUnixTimeMilliseconds(), call.CoinsMicros, .. Sums(charged.Skip(first).Take(i + 1 - first)), call.ClientId]);
                if (lastOfClient || UsageHours.HourOf(next!.At) != UsageHours.HourOf(at))
                    await RunAsync(_balanceAtHour, call.ClientId!.Value, UsageHours.HourOf(at));
                if (lastOfClient) first = i + 1;
                if (call.ApiKeyId is { } key) lastUse[key] = lastUse.TryGetValue(key, out var seen) && seen > at ? seen : at;
            }
            foreach (var entry in entries)
            {
                var call = entry.Call;
                await RunAsync(_log, call.ClientId, call.ApiKeyId, Cut(call.Model), call.Status, call.ErrorCode, call.InputTokens, call.OutputTokens,
                    call.CoinsMicros, call.DurationMs, entry.At.UtcDateTime, call.Operation, call.Outcome.Word(), call.RequestId);
            }
            // Usage over time (§16): every logged call of a client by hour, model and outcome; charged calls by day;
            // every call by hour and outcome in this process's shard of the totals.
            var clients = entries.Where(e => e.Call.ClientId is not null).ToList();
            foreach (var hour in clients
                .GroupBy(e => (Client: e.Call.ClientId!.Value, Hour: UsageHours.HourOf(e.At), Model: Cut(e.Call.UsageModel), Outcome: e.Call.Outcome.Word()))
                .OrderBy(g => g.Key.Client).ThenBy(g => g.Key.Hour).ThenBy(g => g.Key.Model, StringComparer.Ordinal).ThenBy(g => g.Key.Outcome, StringComparer.Ordinal))
                await RunAsync(_hour, [hour.Key.Client, hour.Key.Hour, hour.Key.Model, hour.Key.Outcome, .. Sums(hour)]);
            foreach (var day in charged.GroupBy(e => (Client: e.Call.ClientId!.Value, Day: UsageHours.HourOf(e.At).Date)).OrderBy(g => g.Key.Day).ThenBy(g => g.Key.Client))
                await RunAsync(_day, [DateTime.SpecifyKind(day.Key.Day, DateTimeKind.Utc), day.Key.Client, .. Sums(day)]);
            foreach (var total in clients.GroupBy(e => (Hour: UsageHours.HourOf(e.At), Outcome: e.Call.Outcome.Word()))
                .OrderBy(g => g.Key.Hour).ThenBy(g => g.Key.Outcome, StringComparer.Ordinal))
                await RunAsync(_total, [total.Key.Hour, total.Key.Outcome, ProcessShard, .. Sums(total)]);
            foreach (var (key, at) in lastUse) await RunAsync(_keyUsed, at.UtcDateTime, key);
            if (batch is not null) await batch.ExecuteNonQueryAsync();
        }
        CommitStarted = true;
        await tx.CommitAsync();
        CommitStarted = false;
    }

    private static object?[] Sums(IEnumerable<LedgerEntry> calls)
    {
        long count = 0, input = 0, output = 0, coins = 0;
        foreach (var call in calls.Select(e => e.Call)) (count, input, output, coins) = (count + 1, input + call.InputTokens, output + call.OutputTokens, coins + call.CoinsMicros);
        return [count, input, output, coins];
    }

    private string Cut(string model) => model.Length > _modelMaxLength ? model[.._modelMaxLength] : model;

    /// <summary>
    /// True from the moment COMMIT is sent until it returns: a failure then leaves it unknown whether the batch
    /// was written, so it must not be retried. A failure before it rolls the whole batch back.
    /// </summary>
    public bool CommitStarted { get; private set; }

    public async ValueTask DisposeAsync()
    {
        foreach (var statement in _statements) await statement.DisposeAsync();
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

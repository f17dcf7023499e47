using System.Data.Common;
using Lumen.Domain.Calls;
using Lumen.Domain.Text;
using Lumen.Infrastructure.ApiKeys;
using Lumen.Infrastructure.Persistence;
using Lumen.Infrastructure.RequestLog;
using Microsoft.EntityFrameworkCore;
using Lumen.Infrastructure.UseCases;

namespace Lumen.Infrastructure.Ledger;

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
    private readonly RowStatement _log;
    private readonly RowStatement _hour;
    private readonly RowStatement _day;
    private readonly RowStatement _total;
    private readonly RowStatement _balanceAtHour;
    private readonly RowStatement _keyUsed;
    private readonly Statement[] _statements;
    private readonly int _modelMaxLength;

    /// <summary>This process's row of every hour's totals: instances pick their own at random, so they rarely share one.</summary>
    private static readonly int ProcessShard = Random.Shared.Next(64);

    private LedgerSession(LumenDbContext db, DbConnection connection, PoolSql sql, RequestLogSql log, KeyUsedSql keyUsed)
    {
        _db = db;
        _connection = connection;
        _modelMaxLength = log.ModelMaxLength;
        _charge = new Statement(connection, sql.Charge, "@now", "@cost", "@client");
        _chargeAndCount = new Statement(connection, sql.ChargeAndCount, "@now", "@cost", "@calls", "@input", "@output", "@coins", "@client");
        _log = new RowStatement(connection, log.Insert, log.InsertMany,
            [("@client", typeof(int?)), ("@key", typeof(int?)), ("@model", typeof(string)), ("@status", typeof(int)), ("@error", typeof(string)),
             ("@input", typeof(long)), ("@output", typeof(long)), ("@coins", typeof(long)), ("@duration", typeof(int)), ("@at", typeof(DateTime)),
             ("@operation", typeof(string)), ("@outcome", typeof(string)), ("@request", typeof(string))]);
        (string, Type)[] sums = [("@calls", typeof(long)), ("@inputtokens", typeof(long)), ("@outputtokens", typeof(long)), ("@coinsmicros", typeof(long))];
        _hour = new RowStatement(connection, sql.Usage.HourAdd, sql.Usage.HourAddMany,
            [("@clientid", typeof(int)), ("@hour", typeof(DateTime)), ("@model", typeof(string)), ("@outcome", typeof(string)), .. sums]);
        _day = new RowStatement(connection, sql.Usage.DayAdd, sql.Usage.DayAddMany, [("@day", typeof(DateTime)), ("@clientid", typeof(int)), .. sums]);
        _total = new RowStatement(connection, sql.Usage.TotalAdd, sql.Usage.TotalAddMany,
            [("@hour", typeof(DateTime)), ("@outcome", typeof(string)), ("@shard", typeof(int)), .. sums]);
        _balanceAtHour = new RowStatement(connection, sql.Usage.BalanceAtHour, sql.Usage.BalanceAtHourMany,
            [("@clientid", typeof(int)), ("@hour", typeof(DateTime))]);
        _keyUsed = new RowStatement(connection, keyUsed.One, keyUsed.Many, [("@at", typeof(DateTime)), ("@key", typeof(int))]);
        _statements = [_charge, _chargeAndCount, .. new[] { _log, _hour, _day, _total, _balanceAtHour, _keyUsed }.SelectMany(r => r.Statements)];
    }

    public static async Task<LedgerSession> OpenAsync(IDbContextFactory<LumenDbContext> contexts)
    {
        var db = await contexts.CreateDbContextAsync();
        try
        {
            await db.Database.OpenConnectionAsync();
            return new LedgerSession(db, db.Database.GetDbConnection(), PoolSql.For(db), RequestLogSql.For(db), KeyUsedSql.For(db));
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
        using var turn = await _db.Dialect.WriteTurnAsync(_db);
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

            // Rows are locked in one order by every instance, so two committing at once do not deadlock: the pools
            // (client id order, stable so one client's charges keep their order), each with its balance rows (a
            // client's are written only by whoever holds its pool), then hourly usage (key order), then keys (id order).
            // The log rows are new and lock nothing anyone waits for.
            var lastUse = new SortedDictionary<int, DateTimeOffset>();
            var balances = new List<object?[]>(); // after each client's last charge of the batch
            var charged = entries.Where(e => e.Charged).OrderBy(e => e.Call.ClientId).ToList();
            var first = 0; // the client's first charge in the batch
            for (var i = 0; i < charged.Count; i++)
            {
                var (call, at) = (charged[i].Call, charged[i].At);
                var next = i + 1 < charged.Count ? charged[i + 1] : null;
                var lastOfClient = next is null || next.Call.ClientId != call.ClientId;
                if (!lastOfClient) await RunAsync(_charge, at.ToUnixTimeMilliseconds(), call.CoinsMicros, call.ClientId);
                else await RunAsync(_chargeAndCount, [at.ToUnixTimeMilliseconds(), call.CoinsMicros, .. Sums(charged.Skip(first).Take(i + 1 - first)), call.ClientId]);
                if (lastOfClient) balances.Add([call.ClientId!.Value, UsageHours.HourOf(at)]);
                // An hour that ends within the batch keeps the balance after its last charge, read before the next one.
                else if (UsageHours.HourOf(next!.At) != UsageHours.HourOf(at))
                    await _balanceAtHour.WriteAsync(RunAsync, [[call.ClientId!.Value, UsageHours.HourOf(at)]]);
                if (lastOfClient) first = i + 1;
                if (call.ApiKeyId is { } key) lastUse[key] = lastUse.TryGetValue(key, out var seen) && seen > at ? seen : at;
            }
            await _balanceAtHour.WriteAsync(RunAsync, balances);
            await _log.WriteAsync(RunAsync, [.. entries.Select(LogValues)]);
            // Usage over time (§16): every logged call of a client by hour, model and outcome; charged calls by day;
            // every call by hour and outcome in this process's shard of the totals.
            var clients = entries.Where(e => e.Call.ClientId is not null).ToList();
            await _hour.WriteAsync(RunAsync, [.. clients
                .GroupBy(e => (Client: e.Call.ClientId!.Value, Hour: UsageHours.HourOf(e.At), Model: Storable(e.Call.UsageModel), Outcome: e.Call.Outcome.Word()))
                .OrderBy(g => g.Key.Client).ThenBy(g => g.Key.Hour).ThenBy(g => g.Key.Model, StringComparer.Ordinal).ThenBy(g => g.Key.Outcome, StringComparer.Ordinal)
                .Select(hour => (object?[])[hour.Key.Client, hour.Key.Hour, hour.Key.Model, hour.Key.Outcome, .. Sums(hour)])]);
            await _day.WriteAsync(RunAsync, [.. charged
                .GroupBy(e => (Client: e.Call.ClientId!.Value, Day: UsageHours.HourOf(e.At).Date)).OrderBy(g => g.Key.Day).ThenBy(g => g.Key.Client)
                .Select(day => (object?[])[DateTime.SpecifyKind(day.Key.Day, DateTimeKind.Utc), day.Key.Client, .. Sums(day)])]);
            await _total.WriteAsync(RunAsync, [.. clients
                .GroupBy(e => (Hour: UsageHours.HourOf(e.At), Outcome: e.Call.Outcome.Word())).OrderBy(g => g.Key.Hour).ThenBy(g => g.Key.Outcome, StringComparer.Ordinal)
                .Select(total => (object?[])[total.Key.Hour, total.Key.Outcome, ProcessShard, .. Sums(total)])]);
            await _keyUsed.WriteAsync(RunAsync, [.. lastUse.Select(k => (object?[])[k.Value.UtcDateTime, k.Key])]);
            if (batch is not null) await batch.ExecuteNonQueryAsync();
        }
        CommitStarted = true;
        await tx.CommitAsync();
        CommitStarted = false;
    }

    /// <summary>An entry's log row, in the order of <see cref="RequestLogSql.Insert"/>.</summary>
    private object?[] LogValues(LedgerEntry entry)
    {
        var call = entry.Call;
        return [call.ClientId, call.ApiKeyId, Storable(call.Model), call.Status, call.ErrorCode, call.InputTokens, call.OutputTokens,
            call.CoinsMicros, call.DurationMs, entry.At.UtcDateTime, call.Operation, call.Outcome.Word(), call.RequestId];
    }

    private static object?[] Sums(IEnumerable<LedgerEntry> calls)
    {
        long count = 0, input = 0, output = 0, coins = 0;
        foreach (var call in calls.Select(e => e.Call)) (count, input, output, coins) = (count + 1, input + call.InputTokens, output + call.OutputTokens, coins + call.CoinsMicros);
        return [count, input, output, coins];
    }

    /// <summary>
    /// The model as its rows hold it: the one place a caller's own text becomes a row. The caller chose it, so it may
    /// hold what a database cannot store (NUL on PostgreSQL) or be longer than the column: NUL and lone surrogates are
    /// stored as U+FFFD, and the name is cut to the column between characters. Alike on every database.
    /// </summary>
    private string Storable(string model) => StorableText.Replace(model, _modelMaxLength);

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

    /// <summary>
    /// Rows written by one statement each, or where the provider has a statement for many (PostgreSQL), by that one
    /// statement with an array per column: one statement costs PostgreSQL far more than one row.
    /// </summary>
    private sealed class RowStatement(Statement one, Statement? many, Type[] columns)
    {
        private readonly Statement _one = one;
        private readonly Statement? _many = many;

        public RowStatement(DbConnection connection, string one, string? many, (string Name, Type Type)[] columns)
            : this(new Statement(connection, one, [.. columns.Select(c => c.Name)]),
                many is null ? null : new Statement(connection, many, [.. columns.Select((_, i) => $"@p{i}")]),
                [.. columns.Select(c => c.Type)])
        {
        }

        public IEnumerable<Statement> Statements => _many is null ? [_one] : [_one, _many];

        public async Task WriteAsync(Func<Statement, object?[], Task> run, List<object?[]> rows)
        {
            if (_many is null || rows.Count == 1)
            {
                foreach (var row in rows) await run(_one, row);
                return;
            }
            if (rows.Count == 0) return;
            var arrays = new object?[columns.Length];
            for (var c = 0; c < columns.Length; c++)
            {
                var array = Array.CreateInstance(columns[c], rows.Count);
                for (var r = 0; r < rows.Count; r++) array.SetValue(rows[r][c], r);
                arrays[c] = array;
            }
            await run(_many, arrays);
        }
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

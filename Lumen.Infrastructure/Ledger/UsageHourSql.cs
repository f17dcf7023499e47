using Lumen.Infrastructure.Persistence;

namespace Lumen.Infrastructure.Ledger;

/// <summary>
/// The ledger's upserts of usage over time (§16), each in its provider's words (<see cref="SqlDialect.Upsert"/>: SQLite
/// and PostgreSQL take <c>INSERT … ON CONFLICT DO UPDATE</c>, SQL Server a <c>MERGE</c> that holds its key range until
/// commit). Parameters are the properties' names, lower-cased, with <c>@</c>.
/// </summary>
internal sealed class UsageHourSql
{
    private static readonly string[] Sums =
        [nameof(UsageHourRow.Calls), nameof(UsageHourRow.InputTokens), nameof(UsageHourRow.OutputTokens), nameof(UsageHourRow.CoinsMicros)];

    /// <summary>Adds to a client's hour of one model and outcome: <c>@clientid, @hour, @model, @outcome</c> and the sums.</summary>
    public string HourAdd { get; }

    /// <summary>Adds to a client's day: <c>@day, @clientid</c> and the sums.</summary>
    public string DayAdd { get; }

    /// <summary>Adds to every client's hour of one outcome, in this process's shard: <c>@hour, @outcome, @shard</c> and the sums.</summary>
    public string TotalAdd { get; }

    /// <summary>The client's stored balance now, as its balance at the end of the hour: <c>@clientid, @hour</c>.</summary>
    public string BalanceAtHour { get; }

    /// <summary>
    /// Where the database takes arrays (PostgreSQL; null elsewhere): <see cref="HourAdd"/>, <see cref="DayAdd"/>, <see cref="TotalAdd"/> and
    /// <see cref="BalanceAtHour"/> for many rows in one statement each, from one array per parameter, in the same order,
    /// as <c>@p0</c>, <c>@p1</c> …. A statement costs PostgreSQL far more than a row; rows are written (and locked) in
    /// the arrays' order, which the ledger keeps the key order.
    /// </summary>
    public string? HourAddMany { get; }

    /// <inheritdoc cref="HourAddMany"/>
    public string? DayAddMany { get; }

    /// <inheritdoc cref="HourAddMany"/>
    public string? TotalAddMany { get; }

    /// <inheritdoc cref="HourAddMany"/>
    public string? BalanceAtHourMany { get; }

    public UsageHourSql(LumenDbContext db, StoreTable pools)
    {
        var dialect = db.Dialect;
        string[] hourKey = [nameof(UsageHourRow.ClientId), nameof(UsageHourRow.Hour), nameof(UsageHourRow.Model), nameof(UsageHourRow.Outcome)];
        string[] dayKey = [nameof(UsageDayRow.Day), nameof(UsageDayRow.ClientId)];
        string[] totalKey = [nameof(UsageTotalHourRow.Hour), nameof(UsageTotalHourRow.Outcome), nameof(UsageTotalHourRow.Shard)];
        HourAdd = Add(db, typeof(UsageHourRow), Values(hourKey), hourKey);
        DayAdd = Add(db, typeof(UsageDayRow), Values(dayKey), dayKey);
        TotalAdd = Add(db, typeof(UsageTotalHourRow), Values(totalKey), totalKey);

        var balances = new StoreTable(db, typeof(BalanceHourRow));
        var key = new[] { nameof(BalanceHourRow.ClientId), nameof(BalanceHourRow.Hour) }.Select(p => balances[p]).ToArray();
        var set = new[] { nameof(BalanceHourRow.BalanceMicros), nameof(BalanceHourRow.BalanceAsOfMs) }.Select(p => balances[p]).ToArray();
        var balance = $"{pools[nameof(CoinPoolRow.BalanceMicros)]}, {pools[nameof(CoinPoolRow.BalanceAsOfMs)]}";
        var fromPool = $"SELECT @clientid, @hour, {balance} FROM {pools.Name} WHERE {pools[nameof(CoinPoolRow.ClientId)]} = @clientid";
        BalanceAtHour = dialect.Upsert(balances.Name, key, set, fromPool, Replace);

        // One statement per row where the database takes no arrays; one that takes them takes them in every form here.
        if (dialect.ArrayTableInOrder("u", ["c", "h"], "n") is not { } clientHours) return;
        HourAddMany = Add(db, typeof(UsageHourRow), dialect.RowsFromArrays(hourKey.Length + Sums.Length)!, hourKey);
        DayAddMany = Add(db, typeof(UsageDayRow), dialect.RowsFromArrays(dayKey.Length + Sums.Length)!, dayKey);
        TotalAddMany = Add(db, typeof(UsageTotalHourRow), dialect.RowsFromArrays(totalKey.Length + Sums.Length)!, totalKey);
        var fromPools = $"SELECT u.c, u.h, {balance} FROM {clientHours} " +
            $"JOIN {pools.Name} ON {pools[nameof(CoinPoolRow.ClientId)]} = u.c ORDER BY u.n";
        BalanceAtHourMany = dialect.Upsert(balances.Name, key, set, fromPools, Replace);
    }

    private static string Values(string[] keys) => $"VALUES ({string.Join(", ", keys.Concat(Sums).Select(p => "@" + p.ToLowerInvariant()))})";

    private static string Replace(string column, string stored, string given) => $"{given}.{column}";

    /// <summary>An upsert that adds the sums of <paramref name="source"/> to the row of <paramref name="keys"/>, or inserts it.</summary>
    private static string Add(LumenDbContext db, Type row, string source, string[] keys)
    {
        var table = new StoreTable(db, row);
        var key = keys.Select(p => table[p]).ToArray();
        var sums = Sums.Select(p => table[p]).ToArray();
        return db.Dialect.Upsert(table.Name, key, sums, source, (column, stored, given) => $"{stored}.{column} + {given}.{column}");
    }
}

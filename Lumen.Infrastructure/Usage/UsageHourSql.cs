using Lumen.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Infrastructure.Usage;

/// <summary>
/// The ledger's upserts of usage over time (§16), in each provider's words: SQLite and PostgreSQL take
/// <c>INSERT … ON CONFLICT DO UPDATE</c>, SQL Server a <c>MERGE</c> that holds its key range until commit. Parameters
/// are the properties' names, lower-cased, with <c>@</c>.
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
    /// On PostgreSQL (null elsewhere): <see cref="HourAdd"/>, <see cref="DayAdd"/>, <see cref="TotalAdd"/> and
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
        var merge = db.Database.IsSqlServer();
        string[] hourKey = [nameof(UsageHourRow.ClientId), nameof(UsageHourRow.Hour), nameof(UsageHourRow.Model), nameof(UsageHourRow.Outcome)];
        string[] dayKey = [nameof(UsageDayRow.Day), nameof(UsageDayRow.ClientId)];
        string[] totalKey = [nameof(UsageTotalHourRow.Hour), nameof(UsageTotalHourRow.Outcome), nameof(UsageTotalHourRow.Shard)];
        HourAdd = Add(db, typeof(UsageHourRow), merge, Values(hourKey), hourKey);
        DayAdd = Add(db, typeof(UsageDayRow), merge, Values(dayKey), dayKey);
        TotalAdd = Add(db, typeof(UsageTotalHourRow), merge, Values(totalKey), totalKey);

        var balances = new StoreTable(db, typeof(BalanceHourRow));
        var key = new[] { nameof(BalanceHourRow.ClientId), nameof(BalanceHourRow.Hour) }.Select(p => balances[p]).ToArray();
        var set = new[] { nameof(BalanceHourRow.BalanceMicros), nameof(BalanceHourRow.BalanceAsOfMs) }.Select(p => balances[p]).ToArray();
        var balance = $"{pools[nameof(CoinPoolRow.BalanceMicros)]}, {pools[nameof(CoinPoolRow.BalanceAsOfMs)]}";
        var fromPool = $"SELECT @clientid, @hour, {balance} FROM {pools.Name} WHERE {pools[nameof(CoinPoolRow.ClientId)]} = @clientid";
        BalanceAtHour = Upsert(balances.Name, key, set, fromPool, merge, (column, _) => $"s.{column}", (column, _) => $"excluded.{column}");

        if (!db.Database.IsNpgsql()) return;
        HourAddMany = Add(db, typeof(UsageHourRow), merge, Unnest(hourKey.Length + Sums.Length), hourKey);
        DayAddMany = Add(db, typeof(UsageDayRow), merge, Unnest(dayKey.Length + Sums.Length), dayKey);
        TotalAddMany = Add(db, typeof(UsageTotalHourRow), merge, Unnest(totalKey.Length + Sums.Length), totalKey);
        var fromPools = $"SELECT u.c, u.h, {balance} FROM unnest(@p0, @p1) WITH ORDINALITY AS u(c, h, n) " +
            $"JOIN {pools.Name} ON {pools[nameof(CoinPoolRow.ClientId)]} = u.c ORDER BY u.n";
        BalanceAtHourMany = Upsert(balances.Name, key, set, fromPools, merge, (column, _) => $"s.{column}", (column, _) => $"excluded.{column}");
    }

    private static string Values(string[] keys) => $"VALUES ({string.Join(", ", keys.Concat(Sums).Select(p => "@" + p.ToLowerInvariant()))})";

    private static string Unnest(int columns) => $"SELECT * FROM unnest({string.Join(", ", Enumerable.Range(0, columns).Select(i => $"@p{i}"))})";

    /// <summary>An upsert that adds the sums of <paramref name="source"/> to the row of <paramref name="keys"/>, or inserts it.</summary>
    private static string Add(LumenDbContext db, Type row, bool merge, string source, string[] keys)
    {
        var table = new StoreTable(db, row);
        var key = keys.Select(p => table[p]).ToArray();
        var sums = Sums.Select(p => table[p]).ToArray();
        return Upsert(table.Name, key, sums, source, merge,
            (column, t) => $"{t}.{column} + s.{column}", (column, t) => $"{t}.{column} + excluded.{column}");
    }

    private static string Upsert(string table, string[] key, string[] set, string source, bool merge,
        Func<string, string, string> mergeSet, Func<string, string, string> conflictSet)
    {
        var columns = string.Join(", ", key.Concat(set));
        if (merge)
        {
            var on = string.Join(" AND ", key.Select(c => $"t.{c} = s.{c}"));
            return $"MERGE {table} WITH (HOLDLOCK) AS t USING ({source}) AS s ({columns}) ON {on} " +
                $"WHEN MATCHED THEN UPDATE SET {string.Join(", ", set.Select(c => $"{c} = {mergeSet(c, "t")}"))} " +
                $"WHEN NOT MATCHED THEN INSERT ({columns}) VALUES ({string.Join(", ", key.Concat(set).Select(c => $"s.{c}"))});";
        }
        // SQLite reads ON CONFLICT after a SELECT as part of a join unless the SELECT has a WHERE; ours has one.
        return $"INSERT INTO {table} ({columns}) {source} ON CONFLICT ({string.Join(", ", key)}) DO UPDATE SET " +
            string.Join(", ", set.Select(c => $"{c} = {conflictSet(c, table)}"));
    }
}

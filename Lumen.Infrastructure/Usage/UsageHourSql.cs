using Lumen.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Infrastructure.Usage;

/// <summary>
/// The ledger's two upserts of hourly usage (§16), in each provider's words: SQLite and PostgreSQL take
/// <c>INSERT … ON CONFLICT DO UPDATE</c>, SQL Server a <c>MERGE</c> that holds its key range until commit.
/// </summary>
internal static class UsageHourSql
{
    public static (string UsageAdd, string BalanceAtHour) For(LumenDbContext db, StoreTable pools)
    {
        var usage = new StoreTable(db, typeof(UsageHourRow));
        var balances = new StoreTable(db, typeof(BalanceHourRow));
        string U(string property) => usage[property];
        string B(string property) => balances[property];
        string[] sums = [nameof(UsageHourRow.Calls), nameof(UsageHourRow.InputTokens), nameof(UsageHourRow.OutputTokens), nameof(UsageHourRow.CoinsMicros)];
        var key = $"{U(nameof(UsageHourRow.ClientId))}, {U(nameof(UsageHourRow.Hour))}, {U(nameof(UsageHourRow.Model))}, {U(nameof(UsageHourRow.Outcome))}";
        var columns = $"{key}, {string.Join(", ", sums.Select(U))}";
        const string values = "@client, @hour, @model, @outcome, @calls, @input, @output, @coins";
        var balanceKey = $"{B(nameof(BalanceHourRow.ClientId))}, {B(nameof(BalanceHourRow.Hour))}";
        var balance = B(nameof(BalanceHourRow.BalanceMicros));
        var asOf = B(nameof(BalanceHourRow.BalanceAsOfMs));
        var fromPool = $"SELECT @client, @hour, {pools[nameof(CoinPoolRow.BalanceMicros)]}, {pools[nameof(CoinPoolRow.BalanceAsOfMs)]} " +
            $"FROM {pools.Name} WHERE {pools[nameof(CoinPoolRow.ClientId)]} = @client";

        if (db.Database.IsSqlServer())
        {
            var on = string.Join(" AND ", key.Split(", ").Select(c => $"t.{c} = s.{c}"));
            var usageMerge = $"MERGE {usage.Name} WITH (HOLDLOCK) AS t USING (VALUES ({values})) AS s ({columns}) ON {on} " +
                $"WHEN MATCHED THEN UPDATE SET {string.Join(", ", sums.Select(p => $"{U(p)} = t.{U(p)} + s.{U(p)}"))} " +
                $"WHEN NOT MATCHED THEN INSERT ({columns}) VALUES ({string.Join(", ", columns.Split(", ").Select(c => $"s.{c}"))});";
            var balanceOn = string.Join(" AND ", balanceKey.Split(", ").Select(c => $"t.{c} = s.{c}"));
            var balanceMerge = $"MERGE {balances.Name} WITH (HOLDLOCK) AS t USING ({fromPool}) AS s ({balanceKey}, {balance}, {asOf}) ON {balanceOn} " +
                $"WHEN MATCHED THEN UPDATE SET {balance} = s.{balance}, {asOf} = s.{asOf} " +
                $"WHEN NOT MATCHED THEN INSERT ({balanceKey}, {balance}, {asOf}) VALUES (s.{B(nameof(BalanceHourRow.ClientId))}, " +
                $"s.{B(nameof(BalanceHourRow.Hour))}, s.{balance}, s.{asOf});";
            return (usageMerge, balanceMerge);
        }
        var usageUpsert = $"INSERT INTO {usage.Name} ({columns}) VALUES ({values}) ON CONFLICT ({key}) DO UPDATE SET " +
            string.Join(", ", sums.Select(p => $"{U(p)} = {usage.Name}.{U(p)} + excluded.{U(p)}"));
        // SQLite reads ON CONFLICT after a SELECT as part of a join unless the SELECT has a WHERE, which this one has.
        var balanceUpsert = $"INSERT INTO {balances.Name} ({balanceKey}, {balance}, {asOf}) {fromPool} " +
            $"ON CONFLICT ({balanceKey}) DO UPDATE SET {balance} = excluded.{balance}, {asOf} = excluded.{asOf}";
        return (usageUpsert, balanceUpsert);
    }
}

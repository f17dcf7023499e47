using Lumen.Domain.Budget;
using Lumen.Infrastructure.Persistence;

namespace Lumen.Infrastructure.Ledger;

/// <summary>A pool read at a moment: its budget, its balance refilled to that moment, and the usage counters.</summary>
public sealed record PoolSnapshot(BudgetSettings Budget, Coins Balance, DateTimeOffset? FullAt,
    long Requests, long InputTokens, long OutputTokens, Coins CoinsSpent)
{
    internal static PoolSnapshot From(CoinPoolRow row, DateTimeOffset now)
    {
        var budget = PoolMapping.Budget(row);
        var balance = budget.Refill(new PoolBalance(Coins.FromMicros(row.BalanceMicros), row.BalanceAsOfMs), now).Balance;
        return new(budget, balance, budget.FullAt(balance, now), row.Requests, row.InputTokens, row.OutputTokens,
            Coins.FromMicros(row.CoinsSpentMicros));
    }

    /// <summary>May a call start now (§4 admission)?</summary>
    public bool Admits => Budget.Admits(Balance);
}

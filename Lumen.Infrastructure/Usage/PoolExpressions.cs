using System.Linq.Expressions;
using Lumen.Domain.Budget;
using Lumen.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore.Query;

namespace Lumen.Infrastructure.Usage;

/// <summary>
/// §4's refill as SQL expressions over a pool row, the same integer arithmetic as
/// <see cref="BudgetSettings.Refill"/> and <see cref="RefillMath"/> (a test holds the two together). Used inside
/// single UPDATE statements, where every SET sees the row's values from before the update, so a charge or a clamp
/// is atomic under any concurrency, on every provider, with no lock in the process.
/// </summary>
internal static class PoolExpressions
{
    private const long H = RefillMath.MsPerHour;
    private const long Unlimited = -2_000_000; // max of -2 coins, in micro-coins

    /// <summary>The balance after refill up to <paramref name="nowMs"/>.</summary>
    public static Expression<Func<CoinPoolRow, long>> RefilledBalance(long nowMs) =>
        Let(Accrual(nowMs), (p, a) =>
            p.MaxMicros == Unlimited || p.RefreshMicrosPerHour == 0 ? p.BalanceMicros
            : p.BalanceMicros + a >= p.MaxMicros ? p.MaxMicros
            : p.BalanceMicros + a);

    /// <summary>The new as-of time: now when nothing is left to earn, else advanced by the time the credited coins took.</summary>
    public static Expression<Func<CoinPoolRow, long>> RefilledAsOf(long nowMs) =>
        Let(Accrual(nowMs), (p, a) =>
            p.MaxMicros == Unlimited || p.RefreshMicrosPerHour == 0 || p.BalanceMicros + a >= p.MaxMicros ? nowMs
            : p.BalanceAsOfMs + a / p.RefreshMicrosPerHour * H + a % p.RefreshMicrosPerHour * H / p.RefreshMicrosPerHour);

    /// <summary>Whole micro-coins earned since the row's as-of time (split by whole hours so nothing overflows).</summary>
    private static Expression<Func<CoinPoolRow, long>> Accrual(long nowMs) =>
        Let(p => nowMs > p.BalanceAsOfMs ? nowMs - p.BalanceAsOfMs : 0L, (p, e) =>
            p.RefreshMicrosPerHour * (e / H) + p.RefreshMicrosPerHour * (e % H) / H);

    /// <summary><paramref name="body"/> with its second parameter replaced by <paramref name="value"/>: a SQL "let".</summary>
    public static Expression<Func<CoinPoolRow, long>> Let(
        Expression<Func<CoinPoolRow, long>> value, Expression<Func<CoinPoolRow, long, long>> body)
    {
        var row = body.Parameters[0];
        var inlined = ReplacingExpressionVisitor.Replace(value.Parameters[0], row, value.Body);
        return Expression.Lambda<Func<CoinPoolRow, long>>(
            ReplacingExpressionVisitor.Replace(body.Parameters[1], inlined, body.Body), row);
    }
}

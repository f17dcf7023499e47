namespace Lumen.Domain.Budget;

/// <summary>A pool's balance as of a moment (Unix milliseconds): refill is computed from there, so no timer is needed.</summary>
public readonly record struct PoolBalance(Coins Balance, long AsOfMs)
{
    public DateTimeOffset AsOf => DateTimeOffset.FromUnixTimeMilliseconds(AsOfMs);
}

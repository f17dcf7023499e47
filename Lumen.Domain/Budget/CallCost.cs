using Lumen.Domain.Models;

namespace Lumen.Domain.Budget;

/// <summary>The price of one call (§4): tokens times per-million prices, rounded to 6 decimals.</summary>
public static class CallCost
{
    public static Coins For(long inputTokens, long outputTokens, ModelPrice price)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(inputTokens);
        ArgumentOutOfRangeException.ThrowIfNegative(outputTokens);
        var total = inputTokens * price.InputPerMillion.Value + outputTokens * price.OutputPerMillion.Value;
        return new Coins(total / 1_000_000m);
    }
}

namespace Lumen.Domain.Budget;

/// <summary>
/// Refill in whole micro-coins and milliseconds. Split by whole hours so that no product overflows 64 bits for any
/// refresh up to <see cref="MaxRefreshMicrosPerHour"/> and any elapsed time; the database's charge statement
/// computes the very same expressions.
/// </summary>
public static class RefillMath
{
    public const long MsPerHour = 3_600_000;
    /// <summary>A million coins an hour: far beyond any real budget, and where 64-bit arithmetic stays safe.</summary>
    public const long MaxRefreshMicrosPerHour = 1_000_000L * 1_000_000L;

    /// <summary>Whole micro-coins earned at <paramref name="refreshMicrosPerHour"/> over <paramref name="elapsedMs"/>.</summary>
    public static long Accrual(long refreshMicrosPerHour, long elapsedMs) => checked(
        refreshMicrosPerHour * (elapsedMs / MsPerHour) + refreshMicrosPerHour * (elapsedMs % MsPerHour) / MsPerHour);

    /// <summary>Milliseconds it took to earn <paramref name="accruedMicros"/>, rounded down (never past now).</summary>
    public static long TimeFor(long accruedMicros, long refreshMicrosPerHour) => checked(
        accruedMicros / refreshMicrosPerHour * MsPerHour + accruedMicros % refreshMicrosPerHour * MsPerHour / refreshMicrosPerHour);
}

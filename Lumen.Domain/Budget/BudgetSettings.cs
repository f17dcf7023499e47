namespace Lumen.Domain.Budget;

/// <summary>How a pool's cap behaves: -2 unlimited, 0 blocked, anything above 0 a real cap.</summary>
public enum BudgetKind { Unlimited, Blocked, Capped }

/// <summary>A client's coin budget (§4): cap, refill per hour and starting balance.</summary>
public sealed record BudgetSettings
{
    public const decimal UnlimitedMax = -2m;
    // Bounds beyond the spec that keep every balance computation inside 64-bit micro-coins (README); the config
    // reader and this type's own check both use these, so they are stated here only.
    /// <summary>The largest max or starting, in coins.</summary>
    public const decimal MaxCoins = 1_000_000_000m;
    /// <summary>The largest refresh, in coins per hour: <see cref="RefillMath.MaxRefreshMicrosPerHour"/> in whole coins.</summary>
    public const decimal MaxRefreshPerHour = RefillMath.MaxRefreshMicrosPerHour / 1_000_000m;

    public Coins Max { get; }
    public Coins RefreshPerHour { get; }
    public Coins Starting { get; }

    public BudgetSettings(Coins max, Coins refreshPerHour, Coins starting)
    {
        var error = Validate(max.Value, refreshPerHour.Value, starting.Value);
        if (error is not null) throw new ArgumentException(error);
        Max = max;
        RefreshPerHour = refreshPerHour;
        Starting = starting;
    }

    /// <summary>What a client gets when nothing grants it a budget: blocked.</summary>
    public static readonly BudgetSettings Blocked = new(0m, 0m, 0m);

    public static string? Validate(decimal max, decimal refresh, decimal starting) =>
        max != UnlimitedMax && max < 0 ? "max must be -2 (unlimited), 0 (blocked) or a positive number of coins."
        : refresh < 0 ? "refresh must not be negative."
        : starting < 0 ? "starting must not be negative."
        : max > MaxCoins || starting > MaxCoins ? $"max and starting must be at most {MaxCoins:N0} coins."
        : refresh > MaxRefreshPerHour ? $"refresh must be at most {MaxRefreshPerHour:N0} coins per hour."
        : null;

    /// <summary>
    /// The §2.2 warning for an entry (<paramref name="where"/>, e.g. clients.default) whose starting is above a real
    /// max, else null: one text for the config's warnings on /clients and for that client's own page.
    /// </summary>
    public static string? StartingAboveMax(decimal max, decimal starting, string where) =>
        max > 0 && starting > max
            ? $"starting ({Plain(starting)}) of {where} is above max ({Plain(max)}); a new pool starts at {Plain(max)}."
            : null;

    private static string Plain(decimal coins) => coins.ToString("0.######", System.Globalization.CultureInfo.InvariantCulture);

    public BudgetKind Kind => Max.Value == UnlimitedMax ? BudgetKind.Unlimited
        : Max.Value == 0 ? BudgetKind.Blocked
        : BudgetKind.Capped;

    /// <summary>The balance of a new pool: <see cref="Starting"/>, clamped to a real cap.</summary>
    public Coins InitialBalance => Kind switch
    {
        BudgetKind.Capped => Coins.Min(Starting, Max),
        BudgetKind.Blocked => Coins.Zero,
        _ => Starting,
    };

    /// <summary>
    /// Continuous pro-rata refill (§4) from <see cref="PoolBalance.AsOf"/> to <paramref name="now"/>, never above the cap.
    /// Counted in whole micro-coins and milliseconds, exactly as the database's charge statement does; the part of a
    /// micro-coin not yet earned stays earned-towards (AsOf advances only by the time the credited coins took), so
    /// frequent updates lose no refill.
    /// </summary>
    public PoolBalance Refill(PoolBalance pool, DateTimeOffset now)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        var r = RefreshPerHour.Micros;
        if (Kind == BudgetKind.Unlimited || r == 0) return new(pool.Balance, nowMs);
        var elapsed = Math.Max(0, nowMs - pool.AsOfMs);
        var accrued = RefillMath.Accrual(r, elapsed);
        var filled = pool.Balance.Micros + accrued;
        return filled >= Max.Micros
            ? new(Max, nowMs)
            : new(Coins.FromMicros(filled), pool.AsOfMs + RefillMath.TimeFor(accrued, r));
    }

    /// <summary>An existing balance under this (possibly changed) cap: kept, but never above a real cap (§4).</summary>
    public Coins Clamp(Coins balance) => Kind == BudgetKind.Unlimited ? balance : Coins.Min(balance, Max);

    /// <summary>Whether a call may start with this balance (already refilled).</summary>
    public bool Admits(Coins balance) => Kind switch
    {
        BudgetKind.Unlimited => true,
        BudgetKind.Blocked => false,
        _ => balance > Coins.Zero,
    };

    /// <summary>
    /// When a call will be admitted again (§4, §15's <c>Retry-After</c>): now if it is, the moment refill lifts the
    /// balance above zero, or null if that never happens (blocked, or no refill).
    /// </summary>
    public DateTimeOffset? UsableAt(Coins balance, DateTimeOffset now)
    {
        if (Admits(balance)) return now;
        if (Kind != BudgetKind.Capped || RefreshPerHour.Micros == 0) return null;
        // The whole micro-coins that lift it to one micro-coin above zero, and the milliseconds refill takes to earn them.
        var needed = 1 - balance.Micros;
        var ms = Math.Ceiling(needed * (decimal)RefillMath.MsPerHour / RefreshPerHour.Micros);
        return now + TimeSpan.FromMilliseconds((double)ms);
    }

    /// <summary>When the pool reaches its cap again, or null if it never will by refill (or is unlimited).</summary>
    public DateTimeOffset? FullAt(Coins balance, DateTimeOffset now)
    {
        if (Kind != BudgetKind.Capped) return null;
        if (balance >= Max) return now;
        if (RefreshPerHour.Value <= 0) return null;
        var hours = (Max.Value - balance.Value) / RefreshPerHour.Value;
        return hours > 1_000_000m ? null : now + TimeSpan.FromTicks((long)(hours * TimeSpan.TicksPerHour));
    }
}

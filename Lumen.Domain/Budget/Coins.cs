namespace Lumen.Domain.Budget;

/// <summary>An amount of coins: a decimal kept to 6 fractional digits, never binary floating point (§4).</summary>
public readonly record struct Coins : IComparable<Coins>
{
    public const int Decimals = 6;

    public decimal Value { get; }

    public Coins(decimal value) => Value = Math.Round(value, Decimals, MidpointRounding.AwayFromZero);

    public static readonly Coins Zero = new(0m);

    /// <summary>Millionths of a coin: how the database keeps coins, so SQL arithmetic stays exact on every provider.</summary>
    public long Micros => (long)(Value * 1_000_000m);

    public static Coins FromMicros(long micros) => new(micros / 1_000_000m);

    public static Coins operator +(Coins a, Coins b) => new(a.Value + b.Value);
    public static Coins operator -(Coins a, Coins b) => new(a.Value - b.Value);
    public static bool operator <(Coins a, Coins b) => a.Value < b.Value;
    public static bool operator >(Coins a, Coins b) => a.Value > b.Value;
    public static bool operator <=(Coins a, Coins b) => a.Value <= b.Value;
    public static bool operator >=(Coins a, Coins b) => a.Value >= b.Value;
    public static implicit operator Coins(decimal value) => new(value);

    public static Coins Min(Coins a, Coins b) => a <= b ? a : b;

    public int CompareTo(Coins other) => Value.CompareTo(other.Value);

    public override string ToString() => Value.ToString("0.######", System.Globalization.CultureInfo.InvariantCulture);
}

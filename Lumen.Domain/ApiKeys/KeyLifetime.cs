using System.Globalization;

namespace Lumen.Domain.ApiKeys;

/// <summary>
/// How long a new key works (§22): a number of days, through a date (the key expires at 00:00 UTC after that day), or
/// never. Parsed from what the dialog and the command line take: <c>DAYS</c>, <c>YYYY-MM-DD</c> or <c>never</c>.
/// </summary>
public sealed record KeyLifetime
{
    /// <summary>The dialog's default (§22).</summary>
    public static readonly KeyLifetime Default = FromDays(90);

    public static readonly KeyLifetime Never = new(null, null);

    /// <summary>The choices the dialog offers besides a date and never.</summary>
    public static readonly IReadOnlyList<int> OfferedDays = [30, 90, 365];

    /// <summary>The most days a lifetime may have: keeps a date within what every database stores.</summary>
    public const int MaxDays = 36_500;

    private KeyLifetime(int? days, DateOnly? through)
    {
        Days = days;
        Through = through;
    }

    /// <summary>A number of days from creation, or null.</summary>
    public int? Days { get; }

    /// <summary>The last day the key works, or null.</summary>
    public DateOnly? Through { get; }

    public bool IsNever => Days is null && Through is null;

    public static KeyLifetime FromDays(int days) => days is >= 1 and <= MaxDays ? new(days, null)
        : throw new ArgumentOutOfRangeException(nameof(days), days, $"A lifetime is 1 to {MaxDays} days.");

    public static KeyLifetime ThroughDay(DateOnly day) => new(null, day);

    /// <summary>When a key made at <paramref name="now"/> expires; null for never.</summary>
    public DateTimeOffset? ExpiresAt(DateTimeOffset now) =>
        Days is { } days ? now.AddDays(days)
        : Through is { } day ? new DateTimeOffset(day.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)
        : null;

    /// <summary>
    /// Why a key made at <paramref name="now"/> may not have this lifetime under <paramref name="policy"/>, or null: a date
    /// already past, or longer than the ceiling (a date counts by days: through today + max_days is allowed).
    /// </summary>
    public string? Refusal(DateTimeOffset now, KeyPolicy policy)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        if (Through is { } day && day < today)
            return $"The date {Text(day)} has passed: a key must work at least through today ({Text(today)}, UTC).";
        if (policy.MaxDays is not { } max) return null;
        if (IsNever) return $"Keys must expire: the config allows at most {max} days (keys: max_days).";
        if (Days > max || Through > today.AddDays(max))
            return $"A key may live at most {max} days (the config's keys: max_days); {Describe()} is longer.";
        return null;
    }

    /// <summary>
    /// Reads <c>DAYS</c> (1 or more), <c>YYYY-MM-DD</c> or <c>never</c>; null with what is wrong otherwise.
    /// </summary>
    public static KeyLifetime? Parse(string text, out string error)
    {
        error = "";
        text = text.Trim();
        if (text.Equals("never", StringComparison.OrdinalIgnoreCase)) return Never;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var days) && days is >= 1 and <= MaxDays)
            return FromDays(days);
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            return ThroughDay(day);
        error = $"'{text}' is not a lifetime: give a number of days (1 to {MaxDays}), a date YYYY-MM-DD, or never.";
        return null;
    }

    /// <summary>
    /// How long the successor of a key made at <paramref name="created"/> expiring at <paramref name="expires"/> lives
    /// (§22): as long as the old key's lifetime, from the rotation, within the ceiling; null (never) for a key that never
    /// expired, unless a ceiling now says keys must.
    /// </summary>
    public static TimeSpan? SuccessorLength(DateTimeOffset created, DateTimeOffset? expires, KeyPolicy policy)
    {
        var length = expires - created;
        return policy.MaxDays is { } max && (length is null || length > TimeSpan.FromDays(max)) ? TimeSpan.FromDays(max) : length;
    }

    public string Describe() => Days is { } days ? $"{days} days" : Through is { } day ? $"through {Text(day)}" : "never";

    public override string ToString() => Days is { } days ? days.ToString(CultureInfo.InvariantCulture) : Through is { } day ? Text(day) : "never";

    private static string Text(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

using System.Globalization;

namespace Lumen.Domain.ApiKeys;

/// <summary>How long a rotated key keeps working after its successor exists (§22): none, 1 hour, 1 day or 7 days.</summary>
public sealed record KeyGrace(TimeSpan Length, string Word)
{
    public static readonly KeyGrace None = new(TimeSpan.Zero, "0");
    public static readonly KeyGrace Hour = new(TimeSpan.FromHours(1), "1h");
    public static readonly KeyGrace Day = new(TimeSpan.FromDays(1), "1d");
    public static readonly KeyGrace Week = new(TimeSpan.FromDays(7), "7d");

    public static readonly IReadOnlyList<KeyGrace> All = [None, Hour, Day, Week];

    /// <summary>For people: "none", "1 hour", "1 day", "7 days".</summary>
    public string Describe() => Length == TimeSpan.Zero ? "none"
        : Length.TotalDays >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{Length.TotalDays:0} day{(Length.TotalDays > 1 ? "s" : "")}")
        : "1 hour";

    /// <summary>Reads <c>0</c>, <c>1h</c>, <c>1d</c> or <c>7d</c>; null with what is wrong otherwise.</summary>
    public static KeyGrace? Parse(string text, out string error)
    {
        error = "";
        var found = All.FirstOrDefault(g => g.Word.Equals(text.Trim(), StringComparison.OrdinalIgnoreCase));
        if (found is null) error = $"'{text}' is not a grace period: give 0, 1h, 1d or 7d.";
        return found;
    }
}

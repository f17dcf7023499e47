namespace Lumen.Domain.ApiKeys;

/// <summary>The config's <c>keys</c> section (§22): the longest lifetime a new key may have, or none.</summary>
public sealed record KeyPolicy(int? MaxDays)
{
    public static readonly KeyPolicy None = new((int?)null);

    /// <summary>
    /// What <c>keys create</c> gives without <c>--expires</c> (§22): the ceiling, or never without one.
    /// </summary>
    public KeyLifetime CommandLineDefault => MaxDays is { } max ? KeyLifetime.FromDays(max) : KeyLifetime.Never;

    /// <summary>The dialog's default: 90 days, or the ceiling when it is shorter.</summary>
    public KeyLifetime DialogDefault => MaxDays < 90 ? KeyLifetime.FromDays(MaxDays.Value) : KeyLifetime.Default;

    /// <summary>The numbers of days the dialog offers: 30, 90 and 365, those under a ceiling below 365 and the ceiling itself.</summary>
    public IReadOnlyList<int> OfferedDays => MaxDays is { } max && max < 365
        ? [.. KeyLifetime.OfferedDays.Where(d => d < max), max]
        : KeyLifetime.OfferedDays;

    /// <summary>Whether a key may never expire: only without a ceiling.</summary>
    public bool AllowsNever => MaxDays is null;
}

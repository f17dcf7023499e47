using System.Globalization;

namespace Lumen.Portal.Urls;

/// <summary>
/// Values read from a URL's query, leniently: a value that is not understood reads as absent (null), so a typo in a
/// bookmarked or hand-edited URL shows the default view, never a server error (Blazor's own <c>int</c> and <c>bool</c>
/// query parameters throw on one, so pages take every parameter as text and read it here). Exports must not quietly
/// drop a filter instead: they ask <see cref="FirstUnreadable"/> and refuse.
/// </summary>
public static class UrlValue
{
    /// <summary>Trimmed text; null when empty or blank.</summary>
    public static string? Text(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    /// <summary>A whole number of digits only (a page, a size); null otherwise, a sign or one too large for an int too.</summary>
    public static int? Number(string? text) =>
        int.TryParse(text?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    /// <summary>As <see cref="Number"/>, for ids and cursors.</summary>
    public static long? Id(string? text) =>
        long.TryParse(text?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    /// <summary><c>true</c> or <c>false</c>, in any case; null otherwise.</summary>
    public static bool? Bool(string? text) => bool.TryParse(text?.Trim(), out var b) ? b : null;

    /// <summary>An ISO time, UTC unless it names its offset (a bare date is its midnight UTC); null when empty or not a time.</summary>
    public static DateTime? Time(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at.UtcDateTime : null;

    /// <summary>A time as <see cref="Time"/> reads it back: UTC to the second.</summary>
    public static string? Format(DateTime? time) =>
        time?.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// The name of the first parameter that <paramref name="query"/> gives (not blank) but that read as null, or null
    /// when every given one was understood. <paramref name="read"/> pairs each name with the value read from it.
    /// </summary>
    public static string? FirstUnreadable(IQueryCollection query, params (string Name, object? Value)[] read) =>
        read.FirstOrDefault(r => r.Value is null && Text(query[r.Name]) is not null).Name;
}

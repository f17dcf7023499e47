using System.Globalization;
using Lumen.Infrastructure.Audit;
using Microsoft.AspNetCore.Components;

namespace Lumen.Portal.Audit;

/// <summary>
/// The audit page's filters and page as they live in the URL (bookmarkable, and the CSV link carries the same ones):
/// <c>?client=…&amp;actor=…&amp;action=…&amp;since=…&amp;until=…&amp;before=…&amp;after=…</c>. Times are ISO 8601, UTC
/// unless they say otherwise; a bare date is its midnight UTC.
/// </summary>
public static class AuditUrl
{
    public const string CsvPath = "/audit.csv";

    public static AuditQuery Parse(string? client, string? actor, string? action, string? since, string? until, long? before, long? after) =>
        new(Blank(client), Blank(actor), AuditActions.All.Contains(action?.Trim().ToLowerInvariant() ?? "") ? action!.Trim().ToLowerInvariant() : null,
            Time(since), Time(until), before, after);

    /// <summary>The query of an HTTP request (the CSV endpoints), read as the page reads its URL.</summary>
    public static AuditQuery Parse(IQueryCollection q) =>
        Parse(q["client"], q["actor"], q["action"], q["since"], q["until"], Number(q["before"]), Number(q["after"]));

    /// <summary>The URL of <paramref name="query"/> on the current page, defaults left out.</summary>
    public static string For(NavigationManager navigation, AuditQuery query) =>
        navigation.GetUriWithQueryParameters(Parameters(query));

    /// <summary>The CSV of the filters of <paramref name="query"/> (all pages), relative to the site.</summary>
    public static string CsvFor(NavigationManager navigation, AuditQuery query) =>
        navigation.GetUriWithQueryParameters(navigation.ToAbsoluteUri(CsvPath).ToString(), Parameters(query with { Before = null, After = null }));

    public static string? Format(DateTime? time) =>
        time?.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>An ISO time, UTC unless it names its offset; null when empty or not a time.</summary>
    public static DateTime? Time(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at.UtcDateTime : null;

    private static Dictionary<string, object?> Parameters(AuditQuery query) => new()
    {
        ["client"] = query.Client,
        ["actor"] = query.Actor,
        ["action"] = query.Action,
        ["since"] = Format(query.Since),
        ["until"] = Format(query.Until),
        ["before"] = query.Before,
        ["after"] = query.After,
    };

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static long? Number(string? text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
}

using Lumen.Infrastructure.Audit;
using Lumen.Portal.Urls;
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

    /// <summary>The page's query; each value not understood is no filter (<see cref="UrlValue"/>).</summary>
    public static AuditQuery Parse(string? client, string? actor, string? action, string? since, string? until, string? before, string? after) =>
        new(UrlValue.Text(client), UrlValue.Text(actor), Action(action), UrlValue.Time(since), UrlValue.Time(until),
            UrlValue.Id(before), UrlValue.Id(after));

    /// <summary>
    /// The filters of a CSV export's query, read as the page reads its URL; or the name of a filter given but not
    /// understood, which the export refuses rather than leave out (the cursors are the page's, not the export's).
    /// </summary>
    public static (AuditQuery Query, string? Unreadable) ParseExport(IQueryCollection q)
    {
        var query = Parse(q["client"], q["actor"], q["action"], q["since"], q["until"], null, null);
        return (query, UrlValue.FirstUnreadable(q, ("action", query.Action), ("since", query.Since), ("until", query.Until)));
    }

    /// <summary>The URL of <paramref name="query"/> on the current page, defaults left out.</summary>
    public static string For(NavigationManager navigation, AuditQuery query) =>
        navigation.GetUriWithQueryParameters(Parameters(query));

    /// <summary>The CSV of the filters of <paramref name="query"/> (all pages), relative to the site.</summary>
    public static string CsvFor(NavigationManager navigation, AuditQuery query) =>
        navigation.GetUriWithQueryParameters(navigation.ToAbsoluteUri(CsvPath).ToString(), Parameters(query with { Before = null, After = null }));

    private static Dictionary<string, object?> Parameters(AuditQuery query) => new()
    {
        ["client"] = query.Client,
        ["actor"] = query.Actor,
        ["action"] = query.Action,
        ["since"] = UrlValue.Format(query.Since),
        ["until"] = UrlValue.Format(query.Until),
        ["before"] = query.Before,
        ["after"] = query.After,
    };

    /// <summary>One of <see cref="AuditActions.All"/>, lower-cased; null otherwise.</summary>
    private static string? Action(string? text) =>
        text?.Trim().ToLowerInvariant() is { } action && AuditActions.All.Contains(action) ? action : null;
}

using System.Globalization;
using Lumen.Domain.Calls;
using Lumen.Infrastructure.RequestLog;
using Lumen.Portal.Urls;
using Microsoft.AspNetCore.Components;

namespace Lumen.Portal.RequestLog;

/// <summary>
/// A client's request-log filters as the log's page (<c>/clients/{name}/log?…</c>) and the CSV link carry them: <c>/clients/{name}/requests.csv?since=…&amp;until=…&amp;
/// model=…&amp;outcome=…&amp;key=…</c>. Times are ISO 8601, UTC unless they say otherwise (as on the audit page);
/// <c>outcome</c> is a word of §15 and <c>key</c> a key's public id.
/// </summary>
public static class RequestLogUrl
{
    /// <summary>The outcome words of §15, in the table's order.</summary>
    public static readonly IReadOnlyList<string> Outcomes = [.. Enum.GetValues<CallOutcome>().Select(o => o.Word())];

    public static string CsvPath(string client) => $"/clients/{Uri.EscapeDataString(client)}/requests.csv";

    /// <summary>The CSV of the filters of <paramref name="query"/> (every page), relative to the site's base.</summary>
    public static string CsvFor(string client, RequestLogQuery query)
    {
        var parameters = new (string Name, string? Value)[]
        {
            ("since", UrlValue.Format(query.Since)), ("until", UrlValue.Format(query.Until)), ("model", query.Model),
            ("outcome", query.Outcome?.Word()), ("key", query.Key),
        };
        var given = parameters.Where(p => !string.IsNullOrWhiteSpace(p.Value))
            .Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}").ToList();
        return CsvPath(client).TrimStart('/') + (given.Count == 0 ? "" : "?" + string.Join('&', given));
    }

    /// <summary>The log's page at <paramref name="navigation"/>'s URL with the filters of <paramref name="query"/>, defaults left out.</summary>
    public static string For(NavigationManager navigation, RequestLogQuery query) =>
        navigation.GetUriWithQueryParameters(new Dictionary<string, object?>
        {
            ["since"] = UrlValue.Format(query.Since), ["until"] = UrlValue.Format(query.Until), ["model"] = query.Model,
            ["outcome"] = query.Outcome?.Word(), ["key"] = query.Key,
        });

    /// <summary>The filters the page's URL gives; each value not understood is no filter (<see cref="UrlValue"/>).</summary>
    public static RequestLogQuery Parse(string? since, string? until, string? model, string? outcome, string? key) =>
        new(UrlValue.Time(since), UrlValue.Time(until), UrlValue.Text(model), Outcome(outcome), UrlValue.Text(key));

    /// <summary>
    /// The filters of the CSV endpoint's query; or the name of a filter given but not understood, which the export
    /// refuses rather than leave out (a mistyped outcome must not export every row).
    /// </summary>
    public static (RequestLogQuery Query, string? Unreadable) ParseExport(IQueryCollection q)
    {
        var query = Parse(q["since"], q["until"], q["model"], q["outcome"], q["key"]);
        return (query, UrlValue.FirstUnreadable(q, ("since", query.Since), ("until", query.Until), ("outcome", query.Outcome)));
    }

    /// <summary>The outcome a word of §15 names, or null.</summary>
    public static CallOutcome? Outcome(string? word)
    {
        var trimmed = word?.Trim().ToLowerInvariant();
        foreach (var outcome in Enum.GetValues<CallOutcome>())
            if (outcome.Word() == trimmed) return outcome;
        return null;
    }
}

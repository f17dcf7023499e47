using System.Globalization;
using Lumen.Domain.Calls;
using Lumen.Infrastructure.RequestLog;
using Lumen.Portal.Audit;

namespace Lumen.Portal.RequestLog;

/// <summary>
/// A client's request-log filters as the CSV link carries them: <c>/clients/{name}/requests.csv?since=…&amp;until=…&amp;
/// model=…&amp;outcome=…&amp;key=…</c>. Times are ISO 8601, UTC unless they say otherwise (as on the audit page);
/// <c>outcome</c> is a word of §15 and <c>key</c> a key's public id. Anything not understood is no filter.
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
            ("since", AuditUrl.Format(query.Since)), ("until", AuditUrl.Format(query.Until)), ("model", query.Model),
            ("outcome", query.Outcome?.Word()), ("key", query.Key),
        };
        var given = parameters.Where(p => !string.IsNullOrWhiteSpace(p.Value))
            .Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}").ToList();
        return CsvPath(client).TrimStart('/') + (given.Count == 0 ? "" : "?" + string.Join('&', given));
    }

    /// <summary>The filters of an HTTP request's query (the CSV endpoint).</summary>
    public static RequestLogQuery Parse(IQueryCollection q) =>
        new(AuditUrl.Time(q["since"]), AuditUrl.Time(q["until"]), Blank(q["model"]), Outcome(q["outcome"]), Blank(q["key"]));

    /// <summary>The outcome a word of §15 names, or null.</summary>
    public static CallOutcome? Outcome(string? word)
    {
        var trimmed = word?.Trim().ToLowerInvariant();
        foreach (var outcome in Enum.GetValues<CallOutcome>())
            if (outcome.Word() == trimmed) return outcome;
        return null;
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}

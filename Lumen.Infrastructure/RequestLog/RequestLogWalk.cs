using Lumen.Infrastructure.Common;
using Lumen.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Infrastructure.RequestLog;

/// <summary>
/// A page's walk of one client's (client, time, id) index, in the page's direction from its cursor, and the bound on it.
/// Model, outcome and key are not in the index: a page filtered by them examines each row the walk reaches, so one that
/// matches almost nothing would walk the whole log. <see cref="ScanEndAsync"/> finds where the walk must stop (the
/// <see cref="RequestLogQuery.ScanLimit"/>-th row) by an index-only walk; <see cref="Within"/> keeps the page's walk
/// inside it, so the filtered page still stops at its first <c>limit + 1</c> matches, in the index's order.
/// </summary>
internal static class RequestLogWalk
{
    /// <summary>The client's rows after the cursor and inside the time range: everything the index bounds.</summary>
    public static IQueryable<RequestLogRow> From(IQueryable<RequestLogRow> rows, RequestLogQuery query)
    {
        if (query.Since is { } since)
        {
            var from = since.ToUniversalTime();
            rows = rows.Where(r => r.At >= from);
        }
        if (query.Until is { } until)
        {
            var to = until.ToUniversalTime();
            rows = rows.Where(r => r.At < to);
        }
        // The bound on the time alone lets every provider seek the index to the cursor; the second half is exact.
        if (query.Before is { } before)
        {
            var (at, last) = (StoredTime.Utc(before.At), before.Id);
            rows = rows.Where(r => r.At <= at && (r.At < at || r.Id < last));
        }
        if (query.After is { } after)
        {
            var (at, last) = (StoredTime.Utc(after.At), after.Id);
            rows = rows.Where(r => r.At >= at && (r.At > at || r.Id > last));
        }
        return rows;
    }

    public static IQueryable<RequestLogRow> Ordered(IQueryable<RequestLogRow> rows, bool newestFirst) => newestFirst
        ? rows.OrderByDescending(r => r.At).ThenByDescending(r => r.Id)
        : rows.OrderBy(r => r.At).ThenBy(r => r.Id);

    /// <summary>
    /// The last row a bounded walk examines, the <see cref="RequestLogQuery.ScanLimit"/>-th in its order; null when fewer
    /// rows are left (the walk ends at the log's end anyway). Only time and id are read: the index answers alone.
    /// </summary>
    public static async Task<RequestLogCursor?> ScanEndAsync(IQueryable<RequestLogRow> walk, bool newestFirst, CancellationToken ct)
    {
        var end = await Ordered(walk, newestFirst).Select(r => new { r.At, r.Id })
            .Skip(RequestLogQuery.ScanLimit - 1).FirstOrDefaultAsync(ct);
        return end is null ? null : new RequestLogCursor(StoredTime.Utc(end.At), end.Id);
    }

    /// <summary>The rows up to and including <paramref name="end"/>, in the walk's direction.</summary>
    public static IQueryable<RequestLogRow> Within(IQueryable<RequestLogRow> rows, RequestLogCursor end, bool newestFirst)
    {
        var (at, last) = (StoredTime.Utc(end.At), end.Id);
        return newestFirst
            ? rows.Where(r => r.At >= at && (r.At > at || r.Id >= last))
            : rows.Where(r => r.At <= at && (r.At < at || r.Id <= last));
    }
}

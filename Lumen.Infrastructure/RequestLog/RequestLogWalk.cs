using Lumen.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Infrastructure.RequestLog;

/// <summary>
/// A page's walk of one client's (client, time, id) index, in the page's direction from its cursor, and the bound on it.
/// Model, outcome and key are not in the index: a page filtered by them examines each row the walk reaches, so one that
/// matches almost nothing would walk the whole log. <see cref="ReadAsync"/> bounds such a walk: it finds where the walk
/// must stop by an index-only walk of time and id, and the filtered page's walk stays inside that, still stopping at its
/// first <c>limit + 1</c> matches in the index's order. The bound grows in steps up to
/// <see cref="RequestLogQuery.ScanLimit"/>, so a common filter pays for a short index walk only.
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

    /// <summary>How many rows a bounded walk examines, step after step, while it finds less than a page.</summary>
    private static readonly int[] Steps = [1_000, 10_000, RequestLogQuery.ScanLimit];

    /// <summary>
    /// The page's rows (up to <paramref name="limit"/> + 1 of <paramref name="rows"/>, the filtered <paramref name="walk"/>),
    /// and, when the walk was bounded and stopped at its last step without a full page, the last row it examined.
    /// </summary>
    public static async Task<(List<RequestLogRow> Read, RequestLogCursor? SearchedTo)> ReadAsync(IQueryable<RequestLogRow> walk,
        IQueryable<RequestLogRow> rows, bool bounded, bool newestFirst, int limit, CancellationToken ct)
    {
        if (!bounded) return (await Ordered(rows, newestFirst).Take(limit + 1).ToListAsync(ct), null);
        foreach (var step in Steps)
        {
            var end = await ScanEndAsync(walk, newestFirst, step, ct);
            var within = end is { } stop ? Within(rows, stop, newestFirst) : rows;
            var read = await Ordered(within, newestFirst).Take(limit + 1).ToListAsync(ct);
            // Fewer rows than this step are left (so the walk reached the log's end), or a full page was found.
            if (end is null || read.Count > limit) return (read, null);
            if (step == RequestLogQuery.ScanLimit) return (read, end);
        }
        throw new InvalidOperationException("The last step is the scan limit.");
    }

    private static IQueryable<RequestLogRow> Ordered(IQueryable<RequestLogRow> rows, bool newestFirst) => newestFirst
        ? rows.OrderByDescending(r => r.At).ThenByDescending(r => r.Id)
        : rows.OrderBy(r => r.At).ThenBy(r => r.Id);

    /// <summary>
    /// The last row a walk of <paramref name="rows"/> rows examines, the <paramref name="rows"/>-th in its order; null
    /// when fewer are left (the walk ends at the log's end anyway). Only time and id are read: the index answers alone.
    /// </summary>
    private static async Task<RequestLogCursor?> ScanEndAsync(IQueryable<RequestLogRow> walk, bool newestFirst, int rows, CancellationToken ct)
    {
        var end = await Ordered(walk, newestFirst).Select(r => new { r.At, r.Id }).Skip(rows - 1).FirstOrDefaultAsync(ct);
        return end is null ? null : new RequestLogCursor(StoredTime.Utc(end.At), end.Id);
    }

    /// <summary>The rows up to and including <paramref name="end"/>, in the walk's direction.</summary>
    private static IQueryable<RequestLogRow> Within(IQueryable<RequestLogRow> rows, RequestLogCursor end, bool newestFirst)
    {
        var (at, last) = (StoredTime.Utc(end.At), end.Id);
        return newestFirst
            ? rows.Where(r => r.At >= at && (r.At > at || r.Id >= last))
            : rows.Where(r => r.At <= at && (r.At < at || r.Id <= last));
    }
}

namespace Lumen.Infrastructure.Persistence;

/// <summary>
/// The one way a keyset-paged list (the audit trail, a request log) turns what it read into a page, newest first, and
/// the cursors either side. A page is read from a cursor towards older rows (<c>before</c>, or from the newest when
/// there is none) or towards newer ones (<c>after</c>), one row more than the limit to learn whether more lie beyond.
/// </summary>
internal static class KeysetPage
{
    /// <param name="read">The rows in the walk's order: newest first, or oldest first when reading newer rows.</param>
    /// <param name="towardsNewer">Whether the walk read newer rows than its cursor (<c>after</c>).</param>
    /// <param name="fromCursor">Whether a walk towards older rows started from a cursor (so newer rows exist).</param>
    public static (List<T> Page, TCursor? Older, TCursor? Newer) Of<T, TCursor>(
        List<T> read, int limit, bool towardsNewer, bool fromCursor, Func<T, TCursor> cursor) where TCursor : struct
    {
        var more = read.Count > limit;
        var page = read.Take(limit).ToList();
        if (towardsNewer) page.Reverse();
        if (page.Count == 0) return (page, null, null);
        // Coming from a newer page there are newer rows, and coming from an older one older rows.
        TCursor? older = !towardsNewer ? (more ? cursor(page[^1]) : null) : cursor(page[^1]);
        TCursor? newer = !towardsNewer ? (fromCursor ? cursor(page[0]) : null) : (more ? cursor(page[0]) : null);
        return (page, older, newer);
    }
}

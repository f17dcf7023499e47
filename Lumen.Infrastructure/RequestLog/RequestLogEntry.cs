using Lumen.Domain.Budget;
using Lumen.Domain.Calls;

namespace Lumen.Infrastructure.RequestLog;

/// <summary>
/// One row of a client's request log as the detail page and the CSV show it (§16): the key by its hint, never more of
/// it; coins in micro-coins as stored; the time in UTC. Prompts and answers are never stored, so they are not here.
/// </summary>
public sealed record RequestLogEntry(
    long Id, DateTime At, string? KeyHint, string Model, int Status, string? ErrorCode, long InputTokens, long OutputTokens,
    long CoinsMicros, int DurationMs, string Operation, string Outcome, string? RequestId)
{
    public Coins Coins => Coins.FromMicros(CoinsMicros);

    /// <summary>The cursor of this row: where the next page in either direction starts.</summary>
    public RequestLogCursor Cursor => new(At, Id);
}

/// <summary>A place in the log's order (time, then id, newest first): pages are keyed on it, never on an offset.</summary>
public readonly record struct RequestLogCursor(DateTime At, long Id);

/// <summary>
/// Which rows of one client's log, newest first: filters (all optional, combined; <see cref="Until"/> exclusive) and a
/// page. <see cref="Before"/> asks for older rows than a cursor, <see cref="After"/> for newer ones, so the thousandth
/// page costs what the first does. <see cref="Key"/> is a key's public id; <see cref="Model"/> an exact model name.
/// A page filtered by model, outcome or key examines at most <see cref="ScanLimit"/> of the client's rows, unless
/// <see cref="WholeLog"/> (the CSV, which streams every filtered row).
/// </summary>
public sealed record RequestLogQuery(
    DateTime? Since = null, DateTime? Until = null, string? Model = null, CallOutcome? Outcome = null, string? Key = null,
    RequestLogCursor? Before = null, RequestLogCursor? After = null, int Limit = RequestLogQuery.DefaultLimit, bool WholeLog = false)
{
    public const int DefaultLimit = 25;
    public const int MaxLimit = 1000;

    /// <summary>
    /// The most rows of the client's log one filtered page examines, in the log's order from its cursor: a bounded
    /// answer (tens of milliseconds) however rare the matches; the page then says how far back it looked.
    /// </summary>
    public const int ScanLimit = 100_000;

    /// <summary>Filters the index cannot bound (model, outcome, key): a page examines each row of its walk for them.</summary>
    public bool FiltersRows => Model is not null || Outcome is not null || Key is not null;

    /// <summary>The same filters, from the newest row on: what the CSV exports and what a live refresh shows.</summary>
    public RequestLogQuery Newest => this with { Before = null, After = null };

    public bool IsFiltered => Since is not null || Until is not null || Model is not null || Outcome is not null || Key is not null;
}

/// <summary>
/// A page of rows, newest first; <see cref="Older"/> and <see cref="Newer"/> are the cursors either side (null at an end).
/// <see cref="SearchedTo"/> is set when a filtered page examined <see cref="RequestLogQuery.ScanLimit"/> rows without
/// filling the page: the last row it examined, from which the search goes on (<c>Before</c> it, or <c>After</c> it for a
/// walk towards newer rows); no match lies between the page's rows and it.
/// </summary>
public sealed record RequestLogPage(IReadOnlyList<RequestLogEntry> Entries, RequestLogCursor? Older, RequestLogCursor? Newer,
    RequestLogCursor? SearchedTo = null)
{
    public static readonly RequestLogPage Empty = new([], null, null);
}

using Lumen.Infrastructure.Persistence;

namespace Lumen.Infrastructure.Audit;

/// <summary>
/// One audited change (§17). <see cref="Client"/> names the client when the entry concerns exactly one;
/// <see cref="ClientChange"/> is how the client whose history is read changed, for an entry that covers many.
/// </summary>
public sealed record AuditEntry(
    long Id, DateTime At, string Actor, string Action, string Summary, string? Detail, string? Client, int ClientCount,
    string? ClientChange = null)
{
    internal static AuditEntry From(AuditEntryRow row, string? change) => new(
        row.Id, StoredTime.Utc(row.At), row.Actor, row.Action, row.Summary, row.Detail, row.Client, row.ClientCount, change);

    /// <summary>
    /// The entry as someone who may see only <paramref name="client"/> reads it. An entry that covers many clients (a
    /// config apply) names the others, the admins and the models in its summary and detail: it is cut to this client's
    /// own change. An entry about one client is about this one already.
    /// </summary>
    public AuditEntry OnlyAbout(string client) => ClientChange is { } change
        ? this with { Summary = $"{client}: {change}", Detail = null, Client = client, ClientCount = 1 }
        : this;
}

/// <summary>
/// Which entries, newest first: filters (all optional, combined) and a page. Pages are keyed on the entry id rather
/// than an offset, so the thousandth page costs what the first does: <see cref="Before"/> for older entries,
/// <see cref="After"/> for newer ones.
/// </summary>
public sealed record AuditQuery(
    string? Client = null, string? Actor = null, string? Action = null, DateTime? Since = null, DateTime? Until = null,
    long? Before = null, long? After = null, int Limit = AuditQuery.DefaultLimit)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 1000;
}

/// <summary>
/// A page of entries, newest first; <see cref="Older"/> and <see cref="Newer"/> are the cursors to the pages either
/// side (null at an end).
/// </summary>
public sealed record AuditPage(IReadOnlyList<AuditEntry> Entries, long? Older, long? Newer)
{
    public static readonly AuditPage Empty = new([], null, null);
}

using Lumen.Domain.Clients;
using Lumen.Domain.People;
using Lumen.Infrastructure.Clients;
using Lumen.Infrastructure.Persistence;
using Lumen.Infrastructure.UseCases;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Infrastructure.Audit;

/// <summary>
/// Reading the audit trail (§17): all of it for admins (<c>/audit</c>, the CSV, <c>audit list</c>), and one client's
/// history for whoever may open that client (§6), so a manager sees the history of their own clients only.
/// Every page is an index walk newest first from its cursor: the primary key, the client's links, or a filter's index.
/// </summary>
public sealed class AuditService(LumenDatabase contexts, ClientAccess access)
{
    public async Task<Outcome<AuditPage>> ListAsync(Actor actor, AuditQuery query, CancellationToken ct = default)
    {
        if (!access.IsAdmin(actor)) return new Failure(FailureKind.Forbidden, "Only admins can read the audit trail.");
        await using var db = await contexts.CreateDbContextAsync(ct);
        int? clientId = null;
        if (!string.IsNullOrWhiteSpace(query.Client))
        {
            var key = ClientName.Normalize(query.Client);
            clientId = await db.Clients.AsNoTracking().Where(c => c.Name == key).Select(c => (int?)c.Id).FirstOrDefaultAsync(ct);
            if (clientId is null) return AuditPage.Empty;
        }
        return await PageAsync(db, query, clientId, ct);
    }

    /// <summary>
    /// The client's own history; the same answer as the detail page for a client the actor may not open. Admins get
    /// whole entries; anyone else only each entry's part about this client (<see cref="AuditEntry.OnlyAbout"/>), so
    /// the page and the CSV never show a manager other clients' changes.
    /// </summary>
    public async Task<Outcome<AuditPage>> HistoryAsync(Actor actor, string client, AuditQuery query, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var found = await access.FindAsync(db, actor, client, ClientAction.View, ct);
        if (!found.Succeeded) return found.Failure!;
        var page = await PageAsync(db, query, found.Value!.Id, ct);
        if (access.IsAdmin(actor)) return page;
        var name = found.Value!.Name;
        return page with { Entries = [.. page.Entries.Select(e => e.OnlyAbout(name))] };
    }

    private static async Task<AuditPage> PageAsync(LumenDbContext db, AuditQuery query, int? clientId, CancellationToken ct)
    {
        var limit = Math.Clamp(query.Limit, 1, AuditQuery.MaxLimit);
        var entries = await FilteredAsync(db, query, ct);
        if (entries is null) return AuditPage.Empty;
        var newestFirst = query.After is null;
        List<(AuditEntryRow Entry, string? Change)> rows;
        if (clientId is { } id)
        {
            var links = db.AuditClients.AsNoTracking().Where(l => l.ClientId == id);
            if (query.Before is { } before) links = links.Where(l => l.EntryId < before);
            if (query.After is { } after) links = links.Where(l => l.EntryId > after);
            var joined = links.Join(entries, l => l.EntryId, e => e.Id, (l, e) => new { l.EntryId, Entry = e, l.Change });
            var ordered = newestFirst ? joined.OrderByDescending(x => x.EntryId) : joined.OrderBy(x => x.EntryId);
            rows = (await ordered.Take(limit + 1).Select(x => new { x.Entry, x.Change }).ToListAsync(ct))
                .Select(x => (x.Entry, x.Change)).ToList();
        }
        else
        {
            if (query.Before is { } before) entries = entries.Where(e => e.Id < before);
            if (query.After is { } after) entries = entries.Where(e => e.Id > after);
            var ordered = newestFirst ? entries.OrderByDescending(e => e.Id) : entries.OrderBy(e => e.Id);
            rows = (await ordered.Take(limit + 1).ToListAsync(ct)).Select(e => (e, (string?)null)).ToList();
        }
        var (page, older, newer) = KeysetPage.Of(rows.Select(r => AuditEntry.From(r.Entry, r.Change)).ToList(), limit,
            towardsNewer: !newestFirst, fromCursor: query.Before is not null, e => e.Id);
        return page.Count == 0 ? AuditPage.Empty : new AuditPage(page, older, newer);
    }

    /// <summary>
    /// The entries the filters let through, or null when none can. A time bound is turned into an id bound found on
    /// the time index (entries are numbered as they are written, so ids follow time), which keeps every page a walk of
    /// the primary key or a filter's (column, id) index; the time itself is still compared, so the answer is exact.
    /// </summary>
    private static async Task<IQueryable<AuditEntryRow>?> FilteredAsync(LumenDbContext db, AuditQuery query, CancellationToken ct)
    {
        var entries = db.AuditEntries.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query.Actor))
        {
            var actor = EmailAddress.Normalize(query.Actor);
            entries = entries.Where(e => e.Actor == actor);
        }
        if (!string.IsNullOrWhiteSpace(query.Action))
        {
            var action = query.Action.Trim().ToLowerInvariant();
            entries = entries.Where(e => e.Action == action);
        }
        if (query.Since is { } since)
        {
            var from = since.ToUniversalTime();
            var lowest = await db.AuditEntries.Where(e => e.At >= from).OrderBy(e => e.At).ThenBy(e => e.Id)
                .Select(e => (long?)e.Id).FirstOrDefaultAsync(ct);
            if (lowest is not { } low) return null;
            entries = entries.Where(e => e.Id >= low && e.At >= from);
        }
        if (query.Until is { } until)
        {
            var to = until.ToUniversalTime();
            var highest = await db.AuditEntries.Where(e => e.At < to).OrderByDescending(e => e.At).ThenByDescending(e => e.Id)
                .Select(e => (long?)e.Id).FirstOrDefaultAsync(ct);
            if (highest is not { } high) return null;
            entries = entries.Where(e => e.Id <= high && e.At < to);
        }
        return entries;
    }
}

using Lumen.Infrastructure.UseCases;
using Lumen.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Infrastructure.Audit;

/// <summary>
/// Writes audit entries (§17) into the caller's context, so they commit or roll back with the change they record:
/// callers add the entry before their <c>SaveChangesAsync</c>, or inside their explicit transaction.
/// </summary>
internal static class AuditLog
{
    /// <summary>Clients per link statement when a config apply changed a great many.</summary>
    private const int LinkBatch = 10_000;

    /// <summary>An entry about one client (tracked, or being added in the same save).</summary>
    public static AuditEntryRow Add(LumenDbContext db, DateTimeOffset at, Actor actor, string action, string summary, ClientRow client)
    {
        var entry = new AuditEntryRow
        {
            At = at.UtcDateTime,
            Actor = actor.NormalizedEmail,
            Action = action,
            Summary = Cut(summary),
            Client = client.Name,
            ClientCount = 1,
        };
        entry.Clients.Add(new AuditClientRow { ClientRow = client, Entry = entry });
        db.AuditEntries.Add(entry);
        return entry;
    }

    /// <summary>
    /// A config apply's entry, saved at once so that links can point to it; <see cref="ConfigAudit.AppliedEntry"/>
    /// writes its summary once the apply knows every client it changed, in the same transaction.
    /// </summary>
    public static async Task<AuditEntryRow> AddConfigAppliedAsync(LumenDbContext db, DateTimeOffset at, CancellationToken ct)
    {
        var entry = new AuditEntryRow { At = at.UtcDateTime, Actor = AuditActions.ConfigActor, Action = AuditActions.ConfigApplied };
        db.AuditEntries.Add(entry);
        await db.SaveChangesAsync(ct);
        return entry;
    }

    /// <summary>
    /// Links <paramref name="entryId"/> to clients with how each changed. The links are inserted by the database from
    /// one array parameter per distinct change (a save that lowers many clients' max the same way is one statement
    /// per batch), never as tracked entities.
    /// </summary>
    public static async Task AddLinksAsync(LumenDbContext db, long entryId, IReadOnlyList<(int ClientId, string Client, string Change)> clients,
        CancellationToken ct)
    {
        var sql = AuditSql.For(db);
        foreach (var group in clients.GroupBy(c => c.Change, StringComparer.Ordinal))
        {
            foreach (var batch in group.Select(c => c.ClientId).Chunk(LinkBatch))
            {
                var parameters = new RawParameters(db);
                await db.Database.ExecuteSqlRawAsync(sql.InsertLinks,
                    [parameters.Of("@entry", entryId), parameters.Of("@change", Cut(group.Key)), sql.Ids(parameters, batch)], ct);
            }
        }
    }

    /// <summary>Cuts text to the summary column's length.</summary>
    public static string Cut(string text) =>
        text.Length <= AuditModel.SummaryLength ? text : string.Concat(text.AsSpan(0, AuditModel.SummaryLength - 1), "…");
}

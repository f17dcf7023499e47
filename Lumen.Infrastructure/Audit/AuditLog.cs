using Lumen.Infrastructure.Common;
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
    /// A config apply as one entry, linked to every client it changed with how that client changed. The links are
    /// inserted by the database from one array parameter per distinct change (a save that lowers 100,000 clients'
    /// max the same way is one statement per batch), never as tracked entities. Runs inside the caller's transaction.
    /// </summary>
    public static async Task AddConfigAppliedAsync(
        LumenDbContext db, DateTimeOffset at, string summary, string? detail,
        IReadOnlyList<(int ClientId, string Client, string Change)> clients, CancellationToken ct)
    {
        var entry = new AuditEntryRow
        {
            At = at.UtcDateTime,
            Actor = AuditActions.ConfigActor,
            Action = AuditActions.ConfigApplied,
            Summary = Cut(summary),
            Detail = detail,
            Client = clients.Count == 1 ? clients[0].Client : null,
            ClientCount = clients.Count,
        };
        db.AuditEntries.Add(entry);
        await db.SaveChangesAsync(ct);
        var sql = AuditSql.For(db);
        foreach (var group in clients.GroupBy(c => c.Change, StringComparer.Ordinal))
        {
            foreach (var batch in group.Select(c => c.ClientId).Chunk(LinkBatch))
            {
                var parameters = new RawParameters(db);
                await db.Database.ExecuteSqlRawAsync(sql.InsertLinks,
                    [parameters.Of("@entry", entry.Id), parameters.Of("@change", Cut(group.Key)), sql.Ids(parameters, batch)], ct);
            }
        }
    }

    /// <summary>Cuts text to the summary column's length.</summary>
    public static string Cut(string text) =>
        text.Length <= AuditModel.SummaryLength ? text : string.Concat(text.AsSpan(0, AuditModel.SummaryLength - 1), "…");
}

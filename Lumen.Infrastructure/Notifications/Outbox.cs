using Lumen.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Infrastructure.Notifications;

/// <summary>Writes notices to the outbox, one row per recipient, to be saved with the caller's own change.</summary>
internal static class Outbox
{
    public static void Add(LumenDbContext db, Notice notice, IEnumerable<string> recipients, DateTimeOffset now)
    {
        foreach (var recipient in recipients.Distinct(StringComparer.OrdinalIgnoreCase))
            db.Outbox.Add(new OutboxRow
            {
                Id = Guid.NewGuid(),
                Event = notice.Event,
                EventKey = notice.EventKey,
                Recipient = recipient,
                ClientId = notice.ClientId,
                Subject = notice.Subject,
                Text = notice.PlainText,
                Html = notice.Html,
                CreatedAt = now.UtcDateTime,
                NextAttemptAt = now.UtcDateTime,
            });
    }

    /// <summary>
    /// Saves a notice by itself (a check noticed it; no change of ours to ride with): one that is already there (the
    /// same event seen by another instance, or earlier) is no error and is not written twice.
    /// </summary>
    public static async Task<bool> TryWriteAsync(LumenDbContext db, Notice notice, IReadOnlyCollection<string> recipients, DateTimeOffset now, CancellationToken ct)
    {
        if (recipients.Count == 0 || await db.Outbox.AnyAsync(r => r.EventKey == notice.EventKey, ct)) return false;
        Add(db, notice, recipients, now);
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            // Another instance wrote it between the check and the insert: the unique index decided.
            db.ChangeTracker.Clear();
            if (await db.Outbox.AnyAsync(r => r.EventKey == notice.EventKey, ct)) return false;
            throw;
        }
    }
}

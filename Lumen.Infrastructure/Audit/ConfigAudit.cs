using System.Globalization;
using Lumen.Domain.Config;
using Lumen.Domain.Text;
using Lumen.Infrastructure.UseCases;
using Lumen.Infrastructure.Config;
using Lumen.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Infrastructure.Audit;

/// <summary>
/// Config applies and rejections in the audit trail, exactly once however many instances see the same file (§17, §18).
/// An apply first claims <see cref="AuditConfigRow"/> by compare-and-swap on its version, in the apply's own
/// transaction: the row lock then serialises the applies of every instance, the second finds the clients already
/// changed and the fingerprint already the one it brings, and so records nothing. A rejection is one entry whose
/// content hash is unique: the database refuses the second.
/// </summary>
internal static class ConfigAudit
{
    private const int MaxClaims = 20;
    private const int DetailClients = 50;
    private const int DetailErrors = 5;

    /// <summary>Takes the row for this apply (inside the caller's transaction) and returns the fingerprint it replaces.</summary>
    public static async Task<ConfigFingerprint> ClaimAsync(LumenDbContext db, ConfigFingerprint next, CancellationToken ct)
    {
        var json = next.ToJson();
        for (var attempt = 0; attempt < MaxClaims; attempt++)
        {
            var current = await db.AuditConfig.AsNoTracking().SingleAsync(r => r.Id == AuditConfigRow.TheRow, ct);
            var claimed = await db.AuditConfig.Where(r => r.Id == AuditConfigRow.TheRow && r.Version == current.Version)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.Version, current.Version + 1).SetProperty(r => r.Fingerprint, json), ct);
            // Zero: another instance's apply committed between our read and our update; read again (under read
            // committed the next read sees it) and claim on top of it.
            if (claimed == 1) return ConfigFingerprint.FromJson(current.Fingerprint);
        }
        throw new InvalidOperationException($"Could not claim the audit's config row in {MaxClaims} attempts.");
    }

    /// <summary>
    /// One apply's entry: linked to every client it changed, whether the apply names each (<see cref="FinishAsync"/>'s
    /// clients) or the database links a whole group of them (<see cref="LinkedAsync"/>, after <see cref="IdAsync"/>).
    /// The row is saved when the first links need it and gets its summary last, all in the apply's transaction, so
    /// nobody sees it before it is complete.
    /// </summary>
    internal sealed class AppliedEntry(LumenDbContext db, DateTimeOffset at)
    {
        private readonly List<(string Change, int Count)> _linked = [];
        private AuditEntryRow? _entry;

        /// <summary>The entry's id, saving the row first if it is not yet.</summary>
        public async Task<long> IdAsync(CancellationToken ct) => (_entry ??= await AuditLog.AddConfigAppliedAsync(db, at, ct)).Id;

        /// <summary>Records that <paramref name="count"/> clients were linked to the entry with <paramref name="change"/>.</summary>
        public void Linked(string change, int count) => _linked.Add((change, count));

        /// <summary>Links <paramref name="clients"/> and writes the summary, when the apply changed anything: admins, models or clients.</summary>
        public async Task FinishAsync(IReadOnlyList<string> configChanges, IReadOnlyList<(int ClientId, string Client, string Change)> clients,
            CancellationToken ct)
        {
            var count = clients.Count + _linked.Sum(l => l.Count);
            if (configChanges.Count == 0 && count == 0 && _entry is null) return;
            var id = await IdAsync(ct);
            await AuditLog.AddLinksAsync(db, id, clients, ct);
            // The first few clients by id, for the detail; each client's own history shows its change.
            var first = await db.AuditClients.AsNoTracking().Where(l => l.EntryId == id).OrderBy(l => l.ClientId)
                .Take(DetailClients).Select(l => new { l.ClientRow!.Name, l.Change }).ToListAsync(ct);
            var parts = new List<string>(configChanges);
            if (count == 1) parts.Add($"{first[0].Name}: {first[0].Change}");
            else if (count > 1)
            {
                var distinct = clients.Select(c => AuditLog.Cut(c.Change)).Concat(_linked.Select(l => l.Change)).Distinct(StringComparer.Ordinal).Take(2).ToList();
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"{count:N0} clients changed") + (distinct.Count == 1 ? $": {distinct[0]}" : ""));
            }
            var detail = configChanges.Concat(first.Select(c => $"{c.Name}: {c.Change}")).ToList();
            if (count > DetailClients)
                detail.Add(string.Create(CultureInfo.InvariantCulture, $"… and {count - DetailClients:N0} more {Counted.Noun(count - DetailClients, "client", "clients")} (each client's history shows its change)"));
            string summary = AuditLog.Cut(string.Join("; ", parts)), details = string.Join('\n', detail);
            string? client = count == 1 ? first[0].Name : null;
            await db.AuditEntries.Where(e => e.Id == id).ExecuteUpdateAsync(s => s
                .SetProperty(e => e.Summary, summary)
                .SetProperty(e => e.Detail, details)
                .SetProperty(e => e.Client, client)
                .SetProperty(e => e.ClientCount, count), ct);
        }
    }

    /// <summary>Records a rejected file once per content hash; false when it was recorded before (by any instance).</summary>
    public static async Task<bool> RecordRejectedAsync(LumenDbContext db, DateTimeOffset at, string contentHash,
        IReadOnlyList<ConfigIssue> errors, CancellationToken ct)
    {
        if (await db.AuditEntries.AnyAsync(e => e.ContentHash == contentHash, ct)) return false;
        var first = errors.Take(DetailErrors).Select(e => e.ToString()).ToList();
        if (errors.Count > DetailErrors) first.Add(string.Create(CultureInfo.InvariantCulture, $"… and {errors.Count - DetailErrors} more"));
        db.AuditEntries.Add(new AuditEntryRow
        {
            At = at.UtcDateTime,
            Actor = AuditActions.ConfigActor,
            Action = AuditActions.ConfigRejected,
            Summary = AuditLog.Cut(string.Create(CultureInfo.InvariantCulture, $"config rejected, {errors.Count} {Counted.Noun(errors.Count, "error", "errors")}: {first.FirstOrDefault()}")),
            Detail = string.Join('\n', first),
            ContentHash = contentHash,
        });
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            // Another instance recorded the same content between our check and our insert: the unique index decided.
            db.ChangeTracker.Clear();
            if (await db.AuditEntries.AnyAsync(e => e.ContentHash == contentHash, ct)) return false;
            throw;
        }
    }
}

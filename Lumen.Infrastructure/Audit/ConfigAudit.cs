using System.Globalization;
using Lumen.Domain.Config;
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

    /// <summary>The apply's entry, when it changed anything: admins, models or clients.</summary>
    public static async Task RecordAppliedAsync(LumenDbContext db, DateTimeOffset at, IReadOnlyList<string> configChanges,
        IReadOnlyList<(int ClientId, string Client, string Change)> clients, CancellationToken ct)
    {
        if (configChanges.Count == 0 && clients.Count == 0) return;
        var parts = new List<string>(configChanges);
        if (clients.Count == 1) parts.Add($"{clients[0].Client}: {clients[0].Change}");
        else if (clients.Count > 1)
        {
            var distinct = clients.Select(c => c.Change).Distinct(StringComparer.Ordinal).Take(2).ToList();
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{clients.Count:N0} clients changed") + (distinct.Count == 1 ? $": {distinct[0]}" : ""));
        }
        var detail = configChanges.Concat(clients.Take(DetailClients).Select(c => $"{c.Client}: {c.Change}")).ToList();
        if (clients.Count > DetailClients)
            detail.Add(string.Create(CultureInfo.InvariantCulture, $"… and {clients.Count - DetailClients:N0} more clients (each client's history shows its change)"));
        await AuditLog.AddConfigAppliedAsync(db, at, string.Join("; ", parts), string.Join('\n', detail), clients, ct);
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
            Summary = AuditLog.Cut(string.Create(CultureInfo.InvariantCulture, $"config rejected, {errors.Count} error(s): {first.FirstOrDefault()}")),
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

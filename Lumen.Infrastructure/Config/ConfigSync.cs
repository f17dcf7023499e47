using Lumen.Domain.Clients;
using Lumen.Domain.Config;
using Lumen.Infrastructure.Audit;
using Lumen.Infrastructure.Changes;
using Lumen.Infrastructure.Config.Apply;
using Lumen.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Infrastructure.Config;

/// <summary>
/// What applying a config did: the changes (one for each changed client, or past <see cref="ConfigSync.MaxReported"/>
/// one that says what changed for them all), the named entries skipped for want of a client, and how many clients
/// were left as they were and how many changed.
/// </summary>
public sealed record SyncReport(IReadOnlyList<Change> Changes, IReadOnlyList<string> SkippedEntries, int Unchanged, int Changed);

/// <summary>
/// Applies a valid config to every existing client in one transaction (§11): the init-db command and the watcher
/// both come here. Named entries of clients that do not exist are skipped (they apply when the client is created).
/// Set-based: clients with a named entry are read (untracked) and updated together per entry; clients without one
/// are taken by what they store: one of them stands for its group, whose change is decided once, and the database
/// links the group's clients to the audit entry and updates them from those links, so a save of the default entry
/// that changes 100,000 clients reads none of them (a few statements and two scans). A save that changes one
/// client of 100,000 reads a handful of rows.
/// </summary>
public sealed class ConfigSync(LumenDatabase contexts, ChangeFeed feed, TimeProvider clock) : IDisposable
{
    // One apply at a time, so that _applied says what this instance's last apply left in the database.
    private readonly SemaphoreSlim _applying = new(1, 1);
    private Applied? _applied;

    public Task<SyncReport> ApplyAsync(LumenConfig config, CancellationToken ct = default) => ApplyAsync(config, null, ct);

    /// <summary>
    /// Applies <paramref name="config"/> and publishes its clients' changes with <paramref name="announcement"/> (the
    /// watcher's "config file applied") in one batch, so an open view refreshes once and shows both.
    /// </summary>
    public async Task<SyncReport> ApplyAsync(LumenConfig config, Change? announcement, CancellationToken ct = default)
    {
        await _applying.WaitAsync(ct);
        try
        {
            return await ApplyOnceAsync(config, announcement, ct);
        }
        finally
        {
            _applying.Release();
        }
    }

    /// <summary>One apply, step by step: read the clients that may change, decide each (the plan), write, record.</summary>
    private async Task<SyncReport> ApplyOnceAsync(LumenConfig config, Change? announcement, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var nowMs = now.ToUnixTimeMilliseconds();
        var targets = new ApplyTargets(config);
        var unnamed = targets.Unnamed.After;
        var fingerprint = ConfigFingerprint.Of(config);
        var named = NamedKeys(config);
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // First, so that the applies of every instance queue here and each sees what the one before it committed.
        var previous = await ConfigAudit.ClaimAsync(db, fingerprint, ct);
        var audit = new ConfigAudit.AppliedEntry(db, now);
        var total = await db.Clients.CountAsync(ct);
        var lastId = await db.Clients.MaxAsync(c => (int?)c.Id, ct) ?? 0;

        var plan = new ApplyPlan(now);
        var reads = new ApplyReads(db, targets, named, plan);
        if (_applied is not null && _applied.Unnamed == unnamed)
            await reads.SinceAsync(_applied.Named, _applied.LastClientId, ct);
        else
            await reads.AllAsync(new StoredGroupApply(db, audit, targets.Unnamed, named, plan, nowMs), ct);
        await ApplyWrites.WritePlanAsync(db, targets, plan, nowMs, ct);

        var changed = plan.Changed;
        var changes = await ApplyRecord.ChangesAsync(db, plan, unnamed, ct);
        await audit.FinishAsync(fingerprint.ChangesFrom(previous), plan.Audited, ct);
        await tx.CommitAsync(ct);
        _applied = new Applied(unnamed, named, lastId);

        var skipped = config.Clients.Named.Keys.Where(n => !reads.Existing.Contains(n)).Order(StringComparer.Ordinal).ToList();
        await feed.PublishAsync(announcement is null ? changes : [.. changes, announcement]);
        return new SyncReport(changes, skipped, total - changed, changed);
    }

    /// <summary>
    /// Most changed clients a report names one by one (init-db prints each); past this, the report says what changed
    /// once, as the change feed does past <see cref="ChangeFeed.MaxNamed"/>, and no client's name is read.
    /// </summary>
    internal const int MaxReported = 10_000;

    /// <summary>
    /// Records a rejected config file in the audit trail, once per content however many instances saw it (§17);
    /// false when it was recorded before.
    /// </summary>
    /// <summary>
    /// Records a rejected file in the audit trail once per content, with <paramref name="notice"/> to each of
    /// <paramref name="admins"/> in the same transaction (so every instance that sees the file may try; one succeeds).
    /// </summary>
    public async Task<bool> RecordRejectedAsync(string contentHash, IReadOnlyList<ConfigIssue> errors,
        Notifications.Notice? notice = null, IReadOnlyCollection<string>? admins = null, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        if (notice is not null && admins is { Count: > 0 }) Notifications.Outbox.Add(db, notice, admins, now);
        return await ConfigAudit.RecordRejectedAsync(db, now, contentHash, errors, ct);
    }

    public void Dispose() => _applying.Dispose();

    private static List<string> NamedKeys(LumenConfig config) => config.Clients.Named.Keys.Select(ClientName.Normalize).ToList();

    /// <summary>What an apply left in force: the settings of clients without a named entry, the named entries, and the newest client it saw.</summary>
    private sealed record Applied(AppliedSettings Unnamed, IReadOnlyList<string> Named, int LastClientId);

    /// <summary>Named entries in the config whose client has not been created yet (shown to admins).</summary>
    public async Task<IReadOnlyList<string>> PendingEntriesAsync(LumenConfig config, CancellationToken ct = default)
    {
        var names = NamedKeys(config);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var existing = await db.Clients.AsNoTracking().Where(c => names.Contains(c.Name)).Select(c => c.Name).ToListAsync(ct);
        return names.Except(existing, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
    }
}

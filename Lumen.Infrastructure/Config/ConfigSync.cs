using System.Linq.Expressions;
using Lumen.Domain.Clients;
using Lumen.Domain.Config;
using Lumen.Infrastructure.Audit;
using Lumen.Infrastructure.Changes;
using Lumen.Infrastructure.Persistence;
using Lumen.Infrastructure.Usage;
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
public sealed partial class ConfigSync(LumenDatabase contexts, ChangeFeed feed, TimeProvider clock) : IDisposable
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

    private async Task<SyncReport> ApplyOnceAsync(LumenConfig config, Change? announcement, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var nowMs = now.ToUnixTimeMilliseconds();
        var targets = new Targets(config);
        var unnamed = targets.Unnamed;
        var outcome = new Outcome(now);
        var grouped = new List<Grouped>();
        var fingerprint = ConfigFingerprint.Of(config);
        var named = NamedKeys(config);
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // First, so that the applies of every instance queue here and each sees what the one before it committed.
        var previous = await ConfigAudit.ClaimAsync(db, fingerprint, ct);
        var audit = new ConfigAudit.AppliedEntry(db, now);
        var total = await db.Clients.CountAsync(ct);
        var lastId = await db.Clients.MaxAsync(c => (int?)c.Id, ct) ?? 0;
        var existing = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var rest = UnnamedToDecide(db, named, unnamed);
        if (_applied is not null && _applied.Unnamed == unnamed.After)
        {
            // Two index lookups (a client without a pool can only be one created since); no scan.
            var either = named.Union(_applied.Named).ToList();
            var since = _applied.LastClientId;
            await ConsiderEachAsync(db.Clients.AsNoTracking().Where(c => EF.Parameter(either).Contains(c.Name) || c.Id > since));
        }
        else
        {
            await ConsiderEachAsync(db.Clients.AsNoTracking().Where(c => EF.Parameter(named).Contains(c.Name)));
            // Clients without a named entry, by what they store: a save of the default entry changes 100,000 clients
            // that all store what the previous default gave. Each such group is decided once and applied by the
            // database; none of its clients is read.
            var left = true;
            for (var group = 0; group < StoredGroups && left; group++)
            {
                // Any one client not decided yet stands for its group (on SQLite, the first mismatch of a scan).
                var first = await Read(rest).FirstOrDefaultAsync(ct);
                left = first is not null;
                if (first is null) break;
                var stored = first.Pool is null ? null : new StoredGroup(first);
                if (stored is null) Alone(first); // no pool yet: one is created for it
                else if (stored.Settings == unnamed.After && await UnnamedWithPool(db, named).AnyAsync(stored.Members(), ct))
                    rest = rest.Where(Not(stored.Members())); // stored otherwise (lists in another order), the same settings
                else if (stored.Settings is not { } before || before == unnamed.After || !await ApplyGroupAsync(first, before))
                    Alone(first); // unreadable columns, or another group's change
                // A group applied now stores what the default gives, so it has left rest by itself.
            }
            // Stored settings of more kinds than StoredGroups: each client read on its own.
            if (left) await ConsiderEachAsync(rest);
        }

        foreach (var target in targets.All)
        {
            if (target.AccessChanged.Count > 0)
                await SetAccessAsync(db, db.Clients.Where(c => EF.Parameter(target.AccessChanged).Contains(c.Id)), target.Shape, ct);
            if (target.BudgetChanged.Count > 0)
            {
                var parameters = new RawParameters(db);
                await ApplyBudgetAsync(db, parameters, db.Dialect.SelectArray("@ids"),
                    [db.Dialect.ArrayParameter(parameters, "@ids", target.BudgetChanged)], target.After, nowMs, ct);
            }
        }
        if (outcome.NewPools.Count > 0)
        {
            db.CoinPools.AddRange(outcome.NewPools);
            await db.SaveChangesAsync(ct);
        }
        var changed = outcome.Changes.Count + grouped.Sum(g => g.Count);
        IReadOnlyList<Change> changes = outcome.Changes;
        if (changed <= MaxReported)
        {
            foreach (var g in grouped)
            {
                var names = await db.AuditClients.AsNoTracking().Where(l => l.EntryId == g.Entry && l.Change == g.Change)
                    .OrderBy(l => l.ClientId).Select(l => l.ClientRow!.Name).ToListAsync(ct);
                outcome.Changes.AddRange(names.Select(n => new Change(n, ChangeKind.SettingsApplied, g.Described, g.Before, unnamed.After)));
            }
        }
        else
        {
            // Said once for all of them, as the feed says any change of this many (ChangeFeed.MaxNamed).
            changes = [ChangeFeed.Many(ChangeKind.SettingsApplied, outcome.Changes.Select(c => c.Summary).Concat(grouped.Select(g => g.Described)))];
        }
        await audit.FinishAsync(fingerprint.ChangesFrom(previous), outcome.Audited, ct);
        await tx.CommitAsync(ct);
        _applied = new Applied(unnamed.After, named, lastId);

        var skipped = config.Clients.Named.Keys.Where(n => !existing.Contains(n)).Order(StringComparer.Ordinal).ToList();
        await feed.PublishAsync(announcement is null ? changes : [.. changes, announcement]);
        return new SyncReport(changes, skipped, total - changed, changed);

        // A client decided on its own, and out of rest from now on.
        void Alone(ClientRow client)
        {
            existing.Add(client.Name);
            outcome.Consider(client, unnamed);
            var id = client.Id;
            rest = rest.Where(c => c.Id != id);
        }

        async Task ConsiderEachAsync(IQueryable<ClientRow> candidates)
        {
            foreach (var client in await Read(candidates).ToListAsync(ct))
            {
                existing.Add(client.Name);
                outcome.Consider(client, targets.For(client.Name));
            }
        }

        // Links the audit entry to every client of the group (the database picks them), then gives those clients
        // the default's settings, the links being the set. False when that would link none, or another group of
        // this apply changes the same way (its links could not be told apart).
        async Task<bool> ApplyGroupAsync(ClientRow first, AppliedSettings before)
        {
            var described = unnamed.After.DescribeChangeFrom(before);
            var change = AuditLog.Cut(described);
            if (grouped.Exists(g => g.Change == change)) return false;
            var entry = await audit.IdAsync(ct);
            var sql = StoredGroupSql.For(db);
            var parameters = new RawParameters(db);
            var linked = await db.Database.ExecuteSqlRawAsync(sql.LinkMembers,
                [parameters.Of("@entry", entry), parameters.Of("@change", change), parameters.Of("@probe", first.Id),
                    db.Dialect.ArrayParameter(parameters, "@named", named)], ct);
            if (linked == 0) return false;
            audit.Linked(change, linked);
            grouped.Add(new Grouped(entry, change, described, before, linked));
            if (!unnamed.HasAccessOf(first))
                await SetAccessAsync(db, db.Clients.Where(c => db.AuditClients.Any(l => l.EntryId == entry && l.Change == change && l.ClientId == c.Id)),
                    unnamed.Shape, ct);
            if (before.Budget != unnamed.After.Budget)
            {
                var budget = new RawParameters(db);
                await ApplyBudgetAsync(db, budget, sql.Linked, [budget.Of("@entry", entry), budget.Of("@change", change)], unnamed.After, nowMs, ct);
            }
            return true;
        }
    }

    /// <summary>
    /// Most changed clients a report names one by one (init-db prints each); past this, the report says what changed
    /// once, as the change feed does past <see cref="ChangeFeed.MaxNamed"/>, and no client's name is read.
    /// </summary>
    internal const int MaxReported = 10_000;

    /// <summary>A stored group applied by the database: its links in the audit entry, how it changed, and how many.</summary>
    private sealed record Grouped(long Entry, string Change, string Described, AppliedSettings Before, int Count);

    /// <summary>
    /// Most kinds of stored settings decided as a group. A save of the default entry meets one (what the previous
    /// default gave), or a few; anything past these is read client by client.
    /// </summary>
    private const int StoredGroups = 16;

    private static IQueryable<ClientRow> UnnamedWithPool(LumenDbContext db, List<string> named) =>
        db.Clients.AsNoTracking().Where(c => c.Pool != null && !EF.Parameter(named).Contains(c.Name));

    /// <summary>
    /// Clients without a named entry that have no pool, or whose stored columns are not exactly what applying the
    /// default writes: one scan, which finds nothing when every client is as the config says.
    /// </summary>
    private static IQueryable<ClientRow> UnnamedToDecide(LumenDbContext db, List<string> named, Target unnamed)
    {
        var shape = unnamed.Shape;
        var budget = unnamed.After.Budget;
        long max = budget.Max.Micros, refresh = budget.RefreshPerHour.Micros, starting = budget.Starting.Micros;
        return db.Clients.AsNoTracking().Where(c => !EF.Parameter(named).Contains(c.Name)).Where(c => c.Pool == null
            || c.SettingsSource != shape.SettingsSource || c.AccessDefault != shape.AccessDefault
            || c.Blacklist != shape.Blacklist || c.Whitelist != shape.Whitelist || c.Graylist != shape.Graylist
            || c.Pool.MaxMicros != max || c.Pool.RefreshMicrosPerHour != refresh || c.Pool.StartingMicros != starting);
    }

    private static Expression<Func<ClientRow, bool>> Not(Expression<Func<ClientRow, bool>> predicate) =>
        Expression.Lambda<Func<ClientRow, bool>>(Expression.Not(predicate.Body), predicate.Parameters);

    /// <summary>Only the columns that applying reads, untracked.</summary>
    private static IQueryable<ClientRow> Read(IQueryable<ClientRow> clients) => clients.Select(c => new ClientRow
    {
        Id = c.Id,
        Name = c.Name,
        SettingsSource = c.SettingsSource,
        AccessDefault = c.AccessDefault,
        Blacklist = c.Blacklist,
        Whitelist = c.Whitelist,
        Graylist = c.Graylist,
        Pool = c.Pool == null ? null! : new CoinPoolRow
        {
            MaxMicros = c.Pool.MaxMicros,
            RefreshMicrosPerHour = c.Pool.RefreshMicrosPerHour,
            StartingMicros = c.Pool.StartingMicros,
        },
    });

    /// <summary>
    /// Records a rejected config file in the audit trail, once per content however many instances saw it (§17);
    /// false when it was recorded before.
    /// </summary>
    public async Task<bool> RecordRejectedAsync(string contentHash, IReadOnlyList<ConfigIssue> errors, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await ConfigAudit.RecordRejectedAsync(db, clock.GetUtcNow(), contentHash, errors, ct);
    }

    public void Dispose() => _applying.Dispose();

    private static List<string> NamedKeys(LumenConfig config) => config.Clients.Named.Keys.Select(n => n.ToLowerInvariant()).ToList();

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

    /// <summary>The access half of a target's settings (<paramref name="shape"/>) onto <paramref name="clients"/>, in one statement.</summary>
    private static Task<int> SetAccessAsync(LumenDbContext db, IQueryable<ClientRow> clients, ClientRow shape, CancellationToken ct) =>
        clients.ExecuteUpdateAsync(s => s
            .SetProperty(c => c.SettingsSource, shape.SettingsSource)
            .SetProperty(c => c.AccessDefault, shape.AccessDefault)
            .SetProperty(c => c.Blacklist, shape.Blacklist)
            .SetProperty(c => c.Whitelist, shape.Whitelist)
            .SetProperty(c => c.Graylist, shape.Graylist), ct);

    /// <summary>
    /// New budget in one atomic statement for the pools of <paramref name="clientIds"/> (a subquery, whose parameters
    /// are <paramref name="idParameters"/>): each balance is first refilled under the old settings (they were in force
    /// until now), then kept but clamped to the new cap (§4). A changed starting never touches an existing pool.
    /// </summary>
    private static Task<int> ApplyBudgetAsync(LumenDbContext db, RawParameters parameters, string clientIds, object[] idParameters,
        AppliedSettings after, long nowMs, CancellationToken ct)
    {
        var unlimited = after.Budget.Kind == Domain.Budget.BudgetKind.Unlimited;
        object[] values =
        [
            parameters.Of("@now", nowMs), parameters.Of("@max", after.Budget.Max.Micros),
            parameters.Of("@refresh", after.Budget.RefreshPerHour.Micros), parameters.Of("@starting", after.Budget.Starting.Micros),
            .. idParameters,
        ];
        return db.Database.ExecuteSqlRawAsync(PoolSql.For(db).ApplyBudget(unlimited, clientIds), values, ct);
    }
}

using System.Globalization;
using Lumen.Domain.Clients;
using Lumen.Domain.Config;
using Lumen.Infrastructure.Audit;
using Lumen.Infrastructure.Changes;
using Lumen.Infrastructure.Persistence;
using Lumen.Infrastructure.Usage;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Infrastructure.Config;

/// <summary>What applying a config did: the changed clients and the named entries skipped for want of a client.</summary>
public sealed record SyncReport(IReadOnlyList<Change> Changes, IReadOnlyList<string> SkippedEntries, int Unchanged);

/// <summary>
/// Applies a valid config to every existing client in one transaction (§11): the init-db command and the watcher
/// both come here. Named entries of clients that do not exist are skipped (they apply when the client is created).
/// Set-based: the database picks out the clients whose settings may differ, only those are read (untracked), and
/// the ones that change are updated together, grouped by what they now get, so a save that changes 10,000 clients
/// costs a few statements and one that changes one client of 100,000 reads a handful of rows.
/// </summary>
public sealed class ConfigSync(LumenDatabase contexts, ChangeFeed feed, TimeProvider clock) : IDisposable
{
    // Pools per budget statement: well under SQL Server's 2,100 parameters.
    private const int BudgetBatch = 1000;

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
        var changes = new List<Change>();
        var targets = new Targets(config);
        var newPools = new List<CoinPoolRow>();
        var audited = new List<(int ClientId, string Client, string Change)>();
        var fingerprint = ConfigFingerprint.Of(config);
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // First, so that the applies of every instance queue here and each sees what the one before it committed.
        var previous = await ConfigAudit.ClaimAsync(db, fingerprint, ct);
        var total = await db.Clients.CountAsync(ct);
        var lastId = await db.Clients.MaxAsync(c => (int?)c.Id, ct) ?? 0;
        var clients = await Candidates(db, config, targets.Unnamed, _applied)
            .Select(c => new ClientRow
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
            })
            .ToListAsync(ct);
        foreach (var client in clients)
        {
            var target = targets.For(client.Name);
            var after = target.After;
            if (client.Pool is null)
            {
                target.Changed.Add(client.Id);
                newPools.Add(PoolMapping.NewPool(client.Id, client.Name, after.Budget, now));
                changes.Add(new Change(client.Name, ChangeKind.SettingsApplied, "config applied; pool created", null, after));
                audited.Add((client.Id, client.Name, "pool created"));
                continue;
            }
            if (target.IsAppliedTo(client)) continue;
            AppliedSettings before;
            try
            {
                before = PoolMapping.Applied(client, client.Pool);
            }
            catch (InvalidDataException unreadable)
            {
                // Applying writes every access column from the config, so it replaces what cannot be read rather than
                // fail every reload over one row; nothing is decided from the unreadable value, and the change says so.
                target.Changed.Add(client.Id);
                if (PoolMapping.Budget(client.Pool) != after.Budget) target.BudgetChanged.Add(client.Id);
                changes.Add(new Change(client.Name, ChangeKind.SettingsApplied, $"config applied; {unreadable.Message}", null, after));
                audited.Add((client.Id, client.Name, $"unreadable settings replaced: {unreadable.Message}"));
                continue;
            }
            if (before == after) continue;
            target.Changed.Add(client.Id);
            if (before.Budget != after.Budget) target.BudgetChanged.Add(client.Id);
            var described = after.DescribeChangeFrom(before);
            changes.Add(new Change(client.Name, ChangeKind.SettingsApplied, described, before, after));
            audited.Add((client.Id, client.Name, described));
        }

        foreach (var target in targets.All)
        {
            if (target.Changed.Count > 0) await SetAccessAsync(db, target, ct);
            foreach (var batch in target.BudgetChanged.Chunk(BudgetBatch))
                await ApplyBudgetAsync(db, batch, target.After, now.ToUnixTimeMilliseconds(), ct);
        }
        if (newPools.Count > 0)
        {
            db.CoinPools.AddRange(newPools);
            await db.SaveChangesAsync(ct);
        }
        await ConfigAudit.RecordAppliedAsync(db, now, fingerprint.ChangesFrom(previous), audited, ct);
        await tx.CommitAsync(ct);
        _applied = new Applied(targets.Unnamed.After, NamedKeys(config), lastId);

        var existing = clients.Select(c => c.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var skipped = config.Clients.Named.Keys.Where(n => !existing.Contains(n)).Order(StringComparer.Ordinal).ToList();
        await feed.PublishAsync(announcement is null ? changes : [.. changes, announcement]);
        return new SyncReport(changes, skipped, total - changes.Count);
    }

    /// <summary>
    /// Records a rejected config file in the audit trail, once per content however many instances saw it (§17);
    /// false when it was recorded before.
    /// </summary>
    public async Task<bool> RecordRejectedAsync(string contentHash, IReadOnlyList<ConfigIssue> errors, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await ConfigAudit.RecordRejectedAsync(db, clock.GetUtcNow(), contentHash, errors, ct);
    }

    /// <summary>
    /// The clients that may need this config applied: those with a named entry, those without a pool, and those whose
    /// stored settings are not exactly what clients without a named entry get. The database sorts out the rest, so a
    /// save that changes one client of 100,000 reads one row (plus the named ones), not 100,000. When what clients
    /// without a named entry get is what this instance's last apply gave them, only the named entries of both
    /// configs and clients created since (perhaps under an older config) can need it, and the
    /// other 100,000 rows are not even scanned: a save of one named entry costs a few index lookups. The first apply
    /// after start, and any change to the default, look at every client, which also mends rows another process left.
    /// </summary>
    private static IQueryable<ClientRow> Candidates(LumenDbContext db, LumenConfig config, Target unnamed, Applied? applied)
    {
        var named = NamedKeys(config);
        if (applied is not null && applied.Unnamed == unnamed.After)
        {
            var either = named.Union(applied.Named).ToList();
            var since = applied.LastClientId;
            // Two index lookups (a client without a pool can only be one created since); no scan.
            return db.Clients.AsNoTracking().Where(c => EF.Parameter(either).Contains(c.Name) || c.Id > since);
        }
        var shape = unnamed.Shape;
        var budget = unnamed.After.Budget;
        long max = budget.Max.Micros, refresh = budget.RefreshPerHour.Micros, starting = budget.Starting.Micros;
        return db.Clients.AsNoTracking().Where(c =>
            EF.Parameter(named).Contains(c.Name) || c.Pool == null
            || c.SettingsSource != shape.SettingsSource || c.AccessDefault != shape.AccessDefault
            || c.Blacklist != shape.Blacklist || c.Whitelist != shape.Whitelist || c.Graylist != shape.Graylist
            || c.Pool.MaxMicros != max || c.Pool.RefreshMicrosPerHour != refresh || c.Pool.StartingMicros != starting);
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

    /// <summary>The access half of the target's settings onto all its changed clients, in one statement.</summary>
    private static Task<int> SetAccessAsync(LumenDbContext db, Target target, CancellationToken ct)
    {
        var shape = target.Shape;
        // One array/JSON parameter however many clients (separate parameters would run past provider limits).
        return db.Clients.Where(c => EF.Parameter(target.Changed).Contains(c.Id)).ExecuteUpdateAsync(s => s
            .SetProperty(c => c.SettingsSource, shape.SettingsSource)
            .SetProperty(c => c.AccessDefault, shape.AccessDefault)
            .SetProperty(c => c.Blacklist, shape.Blacklist)
            .SetProperty(c => c.Whitelist, shape.Whitelist)
            .SetProperty(c => c.Graylist, shape.Graylist), ct);
    }

    /// <summary>
    /// New budget in one atomic statement per batch of pools: each balance is first refilled under the old settings
    /// (they were in force until now), then kept but clamped to the new cap (§4). A changed starting never touches an
    /// existing pool.
    /// </summary>
    private static Task<int> ApplyBudgetAsync(LumenDbContext db, int[] clientIds, AppliedSettings after, long nowMs, CancellationToken ct)
    {
        var unlimited = after.Budget.Kind == Domain.Budget.BudgetKind.Unlimited;
        var parameters = new RawParameters(db);
        object Parameter(string name, object value) => parameters.Of(name, value);
        var values = new List<object>(clientIds.Length + 4)
        {
            Parameter("@now", nowMs), Parameter("@max", after.Budget.Max.Micros), Parameter("@refresh", after.Budget.RefreshPerHour.Micros),
            Parameter("@starting", after.Budget.Starting.Micros),
        };
        values.AddRange(clientIds.Select((id, i) => Parameter(string.Create(CultureInfo.InvariantCulture, $"@c{i}"), id)));
        return db.Database.ExecuteSqlRawAsync(PoolSql.For(db).ApplyBudget(unlimited, clientIds.Length), values, ct);
    }

    /// <summary>
    /// What each client gets from the config (§2.1): its named entry, else the one setting shared by every client
    /// without one; resolved once each, with the clients that must change collected per target.
    /// </summary>
    private sealed class Targets(LumenConfig config)
    {
        private readonly Dictionary<string, Target> _named = new(StringComparer.Ordinal);

        /// <summary>The clients without a named entry.</summary>
        public Target Unnamed { get; } = new(AppliedSettings.From(config.Clients.Unnamed));

        public IEnumerable<Target> All => _named.Values.Append(Unnamed);

        public Target For(string name)
        {
            var clientName = ClientName.Create(name);
            if (!config.Clients.HasNamedEntry(clientName)) return Unnamed;
            if (!_named.TryGetValue(name, out var target))
                _named[name] = target = new Target(AppliedSettings.From(config.Clients.Resolve(clientName)));
            return target;
        }
    }

    private sealed class Target
    {
        public Target(AppliedSettings after)
        {
            After = after;
            PoolMapping.SetAccess(Shape, after);
        }

        public AppliedSettings After { get; }

        /// <summary>The columns as <see cref="PoolMapping.SetAccess"/> writes them for <see cref="After"/>.</summary>
        public ClientRow Shape { get; } = new();

        public List<int> Changed { get; } = [];
        public List<int> BudgetChanged { get; } = [];

        /// <summary>
        /// Whether the client's columns are exactly what applying this target writes: the common case, decided
        /// without building its settings. Anything else is compared as settings (equal sets in another order, say).
        /// </summary>
        public bool IsAppliedTo(ClientRow client) =>
            client.SettingsSource == Shape.SettingsSource && client.AccessDefault == Shape.AccessDefault
            && client.Blacklist.SequenceEqual(Shape.Blacklist, StringComparer.Ordinal)
            && client.Whitelist.SequenceEqual(Shape.Whitelist, StringComparer.Ordinal)
            && client.Graylist.SequenceEqual(Shape.Graylist, StringComparer.Ordinal)
            && client.Pool.MaxMicros == After.Budget.Max.Micros
            && client.Pool.RefreshMicrosPerHour == After.Budget.RefreshPerHour.Micros
            && client.Pool.StartingMicros == After.Budget.Starting.Micros;
    }
}

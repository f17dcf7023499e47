using System.Linq.Expressions;
using Lumen.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Infrastructure.Config.Apply;

/// <summary>
/// The read step of an apply: finds the clients it must decide, reading as few as it can (untracked, only the columns
/// applying reads), and hands each to the plan. Clients with a named entry are read; clients without one are taken
/// by what they store, one standing for its group, whose change <see cref="StoredGroupApply"/> makes in the database.
/// </summary>
internal sealed class ApplyReads(LumenDbContext db, ApplyTargets targets, List<string> named, ApplyPlan plan)
{
    /// <summary>
    /// Most kinds of stored settings decided as a group. A save of the default entry meets one (what the previous
    /// default gave), or a few; anything past these is read client by client.
    /// </summary>
    private const int StoredGroups = 16;

    /// <summary>The names of the clients found, so the named entries without a client are known.</summary>
    public HashSet<string> Existing { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// When the default this instance applied last is still what clients without a named entry get: only the named
    /// clients of then and now, and clients created since (a client without a pool can only be one of those).
    /// Two index lookups; no scan.
    /// </summary>
    public Task SinceAsync(IReadOnlyList<string> namedBefore, int lastClientId, CancellationToken ct)
    {
        var either = named.Union(namedBefore).ToList();
        return ConsiderEachAsync(db.Clients.AsNoTracking().Where(c => EF.Parameter(either).Contains(c.Name) || c.Id > lastClientId), ct);
    }

    /// <summary>Every client that may change: the named ones, then the others by stored group.</summary>
    public async Task AllAsync(StoredGroupApply groups, CancellationToken ct)
    {
        var unnamed = targets.Unnamed;
        var rest = UnnamedToDecide(unnamed);
        await ConsiderEachAsync(db.Clients.AsNoTracking().Where(c => EF.Parameter(named).Contains(c.Name)), ct);
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
            else if (stored.Settings == unnamed.After && await UnnamedWithPool().AnyAsync(stored.Members(), ct))
                rest = rest.Where(Not(stored.Members())); // stored otherwise (lists in another order), the same settings
            else if (stored.Settings is not { } before || before == unnamed.After || !await groups.TryApplyAsync(first, before, ct))
                Alone(first); // unreadable columns, or another group's change
            // A group applied now stores what the default gives, so it has left rest by itself.
        }
        // Stored settings of more kinds than StoredGroups: each client read on its own.
        if (left) await ConsiderEachAsync(rest, ct);

        // A client decided on its own, and out of rest from now on.
        void Alone(ClientRow client)
        {
            Existing.Add(client.Name);
            plan.Consider(client, unnamed);
            var id = client.Id;
            rest = rest.Where(c => c.Id != id);
        }
    }

    private async Task ConsiderEachAsync(IQueryable<ClientRow> candidates, CancellationToken ct)
    {
        foreach (var client in await Read(candidates).ToListAsync(ct))
        {
            Existing.Add(client.Name);
            plan.Consider(client, targets.For(client.Name));
        }
    }

    private IQueryable<ClientRow> UnnamedWithPool() =>
        db.Clients.AsNoTracking().Where(c => c.Pool != null && !EF.Parameter(named).Contains(c.Name));

    /// <summary>
    /// Clients without a named entry that have no pool, or whose stored columns are not exactly what applying the
    /// default writes: one scan, which finds nothing when every client is as the config says.
    /// </summary>
    private IQueryable<ClientRow> UnnamedToDecide(ApplyTarget unnamed)
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
}

using Lumen.Domain.Budget;
using Lumen.Infrastructure.UseCases;
using Lumen.Infrastructure.Persistence;
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Infrastructure.Clients;

/// <summary>
/// The clients table of §7: the clients an actor may see, filtered, sorted and paged in the database so that
/// 100,000 clients page as fast as ten, with the summary totals over every client the actor may see.
/// </summary>
public sealed class ClientDirectory(LumenDatabase contexts, ClientAccess access, ClientTotalsCache totalsCache)
{
    /// <summary>Whether the actor may open <c>/clients</c> at all (§6): an admin, or a manager of some client.</summary>
    public async Task<bool> CanSeeClientsAsync(Actor actor, CancellationToken ct = default)
    {
        if (access.IsAdmin(actor)) return true;
        var email = actor.NormalizedEmail;
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await ClientVisibility.ManagedIds(db, email).AnyAsync(ct);
    }

    /// <summary>The names of the clients a non-admin manages; null for an admin, who sees every client.</summary>
    public async Task<IReadOnlySet<string>?> ManagedNamesAsync(Actor actor, CancellationToken ct = default)
    {
        if (access.IsAdmin(actor)) return null;
        var email = actor.NormalizedEmail;
        await using var db = await contexts.CreateDbContextAsync(ct);
        // From the person's manager rows (an index on e-mail), then each client by key: not a probe of every client.
        var names = await ClientVisibility.Clients(db, email).Select(c => c.Name).ToListAsync(ct);
        return names.ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Some e-mail addresses of managers, A→Z (the development sign-in page offers them to pick).</summary>
    public async Task<IReadOnlyList<string>> ManagerEmailsAsync(int max, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Managers.Select(m => m.Email).Distinct().OrderBy(e => e).Take(max).ToListAsync(ct);
    }

    /// <summary>
    /// One page of the table and the totals. Each column sorts from an index (the name breaking ties), so a page is an
    /// index walk to its offset and 25 row lookups; a manager's clients are reached from their manager rows. The
    /// totals are the one scan of every visible client (see <see cref="ClientTotalsCache"/>).
    /// </summary>
    public async Task<ClientPage> QueryAsync(Actor actor, ClientQuery query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var email = ClientVisibility.ManagerScope(access, actor);

        // The totals scan every visible client: on a connection (and thread: SQLite's async calls run synchronously)
        // of their own, alongside the page's queries. Every client has its pool (created together), so the pools
        // alone give them; a page flip within the second after the last view (and no change since) reuses them.
        var totalsTask = Task.Run(() => totalsCache.GetAsync(email, async () =>
        {
            await using var totalsDb = await contexts.CreateDbContextAsync(ct);
            return await ClientTotalsSql.QueryAsync(totalsDb, email, ct);
        }), ct);
        var pageTask = PageAsync(email, query, ct);
        await Task.WhenAll(pageTask, totalsTask); // observes both, whichever fails
        var (rows, matching, page) = await pageTask;
        var totals = await totalsTask;

        return new ClientPage(rows, matching, page, totals.Clients == 0
            ? ClientTotals.None
            : new ClientTotals((int)totals.Clients, totals.Requests, totals.Tokens, Coins.FromMicros(totals.CoinsMicros)));
    }

    private async Task<(IReadOnlyList<ClientListRow> Rows, int Matching, int Page)> PageAsync(string? managerEmail,
        ClientQuery query, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var clients = ClientVisibility.Clients(db, managerEmail);
        var pools = ClientVisibility.Pools(db, managerEmail);
        var search = query.NormalizedSearch;
        if (search is not null)
        {
            clients = clients.Where(c => c.Name.Contains(search));
            pools = pools.Where(p => p.ClientName.Contains(search));
        }
        var count = await clients.CountAsync(ct);

        var page = Math.Clamp(query.Page, 1, Math.Max(1, (count + query.PageSize - 1) / query.PageSize));
        var skip = (page - 1) * query.PageSize;
        var ids = await (IsUsage(query.Sort)
                ? SortedByUsage(pools, query.Sort, query.Descending).Select(p => p.ClientId)
                : Sorted(clients, query.Sort, query.Descending).Select(c => c.Id))
            .Skip(skip)
            .Take(query.PageSize)
            .ToListAsync(ct);

        var rows = await db.Clients
            .Where(c => ids.Contains(c.Id))
            .Select(c => new
            {
                c.Id,
                c.Name,
                c.ManagerCount,
                c.IsActive,
                c.Pool.Requests,
                c.Pool.TotalTokens,
                c.Pool.CoinsSpentMicros,
                c.CreatedAt,
            })
            .ToDictionaryAsync(r => r.Id, ct);
        var ordered = ids.Where(rows.ContainsKey).Select(id => rows[id]).Select(r => new ClientListRow(r.Name, r.ManagerCount, r.IsActive,
            r.Requests, r.TotalTokens, Coins.FromMicros(r.CoinsSpentMicros), DateTime.SpecifyKind(r.CreatedAt, DateTimeKind.Utc))).ToList();
        return (ordered, count, page);
    }

    private static bool IsUsage(ClientSort sort) => sort is ClientSort.Requests or ClientSort.Tokens or ClientSort.Coins;

    // Names are stored lower-case, so ordering by name is case-insensitive on every provider; name breaks ties so
    // that paging is stable (and each pair of columns has its index).
    private static IQueryable<ClientRow> Sorted(IQueryable<ClientRow> clients, ClientSort sort, bool descending) => sort switch
    {
        ClientSort.Managers => By(clients, c => c.ManagerCount, descending),
        ClientSort.Active => By(clients, c => c.IsActive, descending),
        ClientSort.Created => By(clients, c => c.CreatedAt, descending),
        _ => descending ? clients.OrderByDescending(c => c.Name) : clients.OrderBy(c => c.Name),
    };

    private static IQueryable<CoinPoolRow> SortedByUsage(IQueryable<CoinPoolRow> pools, ClientSort sort, bool descending) => sort switch
    {
        ClientSort.Requests => By(pools, p => p.Requests, descending, p => p.ClientName),
        ClientSort.Tokens => By(pools, p => p.TotalTokens, descending, p => p.ClientName),
        _ => By(pools, p => p.CoinsSpentMicros, descending, p => p.ClientName),
    };

    private static IOrderedQueryable<ClientRow> By<TKey>(IQueryable<ClientRow> clients, Expression<Func<ClientRow, TKey>> key, bool descending) =>
        By(clients, key, descending, c => c.Name);

    private static IOrderedQueryable<T> By<T, TKey>(IQueryable<T> rows, Expression<Func<T, TKey>> key, bool descending,
        Expression<Func<T, string>> name) =>
        (descending ? rows.OrderByDescending(key) : rows.OrderBy(key)).ThenBy(name);
}

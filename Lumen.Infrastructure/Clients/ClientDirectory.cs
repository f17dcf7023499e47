using Lumen.Domain.Budget;
using Lumen.Infrastructure.Common;
using Lumen.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Infrastructure.Clients;

/// <summary>
/// The clients table of §7: the clients an actor may see, filtered, sorted and paged in the database so that
/// 100,000 clients page as fast as ten, with the summary totals over every client the actor may see.
/// </summary>
public sealed class ClientDirectory(IDbContextFactory<LumenDbContext> contexts, ClientAccess access)
{
    /// <summary>Whether the actor may open <c>/clients</c> at all (§6): an admin, or a manager of some client.</summary>
    public async Task<bool> CanSeeClientsAsync(Actor actor, CancellationToken ct = default)
    {
        if (access.IsAdmin(actor)) return true;
        var email = actor.NormalizedEmail;
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Managers.AnyAsync(m => m.Email == email, ct);
    }

    /// <summary>The names of the clients a non-admin manages; null for an admin, who sees every client.</summary>
    public async Task<IReadOnlySet<string>?> ManagedNamesAsync(Actor actor, CancellationToken ct = default)
    {
        if (access.IsAdmin(actor)) return null;
        var email = actor.NormalizedEmail;
        await using var db = await contexts.CreateDbContextAsync(ct);
        var names = await db.Clients.Where(c => c.Managers.Any(m => m.Email == email)).Select(c => c.Name).ToListAsync(ct);
        return names.ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Who manages each of the named clients (e-mail → their clients among <paramref name="names"/>).</summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlySet<string>>> ManagersOfAsync(IReadOnlyCollection<string> names,
        CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var pairs = await (
            from m in db.Managers
            join c in db.Clients on m.ClientId equals c.Id
            where names.Contains(c.Name)
            select new { m.Email, c.Name }).ToListAsync(ct);
        return pairs.GroupBy(p => p.Email, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, IReadOnlySet<string> (g) => g.Select(p => p.Name).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
    }

    /// <summary>Some e-mail addresses of managers, A→Z (the development sign-in page offers them to pick).</summary>
    public async Task<IReadOnlyList<string>> ManagerEmailsAsync(int max, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Managers.Select(m => m.Email).Distinct().OrderBy(e => e).Take(max).ToListAsync(ct);
    }

    public async Task<ClientPage> QueryAsync(Actor actor, ClientQuery query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var visible = db.Clients.AsNoTracking();
        if (!access.IsAdmin(actor))
        {
            var email = actor.NormalizedEmail;
            visible = visible.Where(c => c.Managers.Any(m => m.Email == email));
        }

        var totals = await visible
            .GroupBy(_ => 1)
            .Select(g => new
            {
                Clients = g.Count(),
                Requests = g.Sum(c => c.Pool.Requests),
                Tokens = g.Sum(c => c.Pool.InputTokens + c.Pool.OutputTokens),
                CoinsMicros = g.Sum(c => c.Pool.CoinsSpentMicros),
            })
            .FirstOrDefaultAsync(ct);

        var matching = visible;
        if (query.NormalizedSearch is { } search) matching = matching.Where(c => c.Name.Contains(search));
        var count = query.NormalizedSearch is null ? totals?.Clients ?? 0 : await matching.CountAsync(ct);

        var page = Math.Clamp(query.Page, 1, Math.Max(1, (count + query.PageSize - 1) / query.PageSize));
        var rows = await Sorted(matching, query.Sort, query.Descending)
            .Skip((page - 1) * query.PageSize)
            .Take(query.PageSize)
            .Select(c => new
            {
                c.Name,
                Managers = c.Managers.Count,
                c.IsActive,
                c.Pool.Requests,
                Tokens = c.Pool.InputTokens + c.Pool.OutputTokens,
                c.Pool.CoinsSpentMicros,
                c.CreatedAt,
            })
            .ToListAsync(ct);

        return new ClientPage(
            rows.Select(r => new ClientListRow(r.Name, r.Managers, r.IsActive, r.Requests, r.Tokens,
                Coins.FromMicros(r.CoinsSpentMicros), DateTime.SpecifyKind(r.CreatedAt, DateTimeKind.Utc))).ToList(),
            count,
            page,
            totals is null
                ? ClientTotals.None
                : new ClientTotals(totals.Clients, totals.Requests, totals.Tokens, Coins.FromMicros(totals.CoinsMicros)));
    }

    // Names are stored lower-case, so ordering by name is case-insensitive on every provider; name breaks ties so
    // that paging is stable.
    private static IQueryable<ClientRow> Sorted(IQueryable<ClientRow> clients, ClientSort sort, bool descending) => sort switch
    {
        ClientSort.Managers => By(clients, c => c.Managers.Count, descending),
        ClientSort.Active => By(clients, c => c.IsActive, descending),
        ClientSort.Requests => By(clients, c => c.Pool.Requests, descending),
        ClientSort.Tokens => By(clients, c => c.Pool.InputTokens + c.Pool.OutputTokens, descending),
        ClientSort.Coins => By(clients, c => c.Pool.CoinsSpentMicros, descending),
        ClientSort.Created => By(clients, c => c.CreatedAt, descending),
        _ => descending ? clients.OrderByDescending(c => c.Name) : clients.OrderBy(c => c.Name),
    };

    private static IOrderedQueryable<ClientRow> By<TKey>(IQueryable<ClientRow> clients,
        System.Linq.Expressions.Expression<Func<ClientRow, TKey>> key, bool descending) =>
        (descending ? clients.OrderByDescending(key) : clients.OrderBy(key)).ThenBy(c => c.Name);
}

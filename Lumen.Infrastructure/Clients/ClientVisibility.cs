using Lumen.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Infrastructure.Clients;

/// <summary>
/// Who sees which clients (§6), in one place: an admin sees every client, anyone else the clients they manage. The
/// table, the command line's list and the change feed ask here; <see cref="ClientTotalsSql"/> writes the same rule in SQL.
/// </summary>
internal static class ClientVisibility
{
    /// <summary>Whose clients the actor sees: null for an admin (every client), else their normalised e-mail.</summary>
    public static string? ManagerScope(ClientAccess access, UseCases.Actor actor) => access.IsAdmin(actor) ? null : actor.NormalizedEmail;

    /// <summary>The ids of the clients <paramref name="managerEmail"/> (normalised) manages, from their manager rows.</summary>
    public static IQueryable<int> ManagedIds(LumenDbContext db, string managerEmail) =>
        db.Managers.Where(m => m.Email == managerEmail).Select(m => m.ClientId);

    /// <summary>The clients a viewer sees: all for <c>null</c> (an admin), else those <paramref name="managerEmail"/> manages.</summary>
    public static IQueryable<ClientRow> Clients(LumenDbContext db, string? managerEmail) =>
        managerEmail is null ? db.Clients : db.Clients.Where(c => ManagedIds(db, managerEmail).Contains(c.Id));

    /// <summary>The pools of the clients a viewer sees (usage sorts read them without joining the clients).</summary>
    public static IQueryable<CoinPoolRow> Pools(LumenDbContext db, string? managerEmail) =>
        managerEmail is null ? db.CoinPools : db.CoinPools.Where(p => ManagedIds(db, managerEmail).Contains(p.ClientId));

    /// <summary>Who manages each of the named clients (normalised e-mail → their clients among <paramref name="names"/>).</summary>
    public static async Task<IReadOnlyDictionary<string, IReadOnlySet<string>>> ManagersOfAsync(
        LumenDatabase contexts, IReadOnlyCollection<string> names, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        // One array/JSON parameter however many names: a batch can name many clients, past every provider's limit on
        // separate parameters.
        var pairs = await (
            from m in db.Managers
            join c in db.Clients on m.ClientId equals c.Id
            where EF.Parameter(names).Contains(c.Name)
            select new { m.Email, c.Name }).ToListAsync(ct);
        return pairs.GroupBy(p => p.Email, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, IReadOnlySet<string> (g) => g.Select(p => p.Name).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
    }
}

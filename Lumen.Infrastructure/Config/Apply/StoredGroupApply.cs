using Lumen.Domain.Config;
using Lumen.Infrastructure.Audit;
using Lumen.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Infrastructure.Config.Apply;

/// <summary>
/// The apply step for a stored group: the database links the audit entry to every client of the group, then gives
/// those clients the default's settings, the links being the set. None of the group's clients is read.
/// </summary>
internal sealed class StoredGroupApply(
    LumenDbContext db, ConfigAudit.AppliedEntry audit, ApplyTarget unnamed, List<string> named, ApplyPlan plan, long nowMs)
{
    /// <summary>
    /// Applies the group <paramref name="first"/> stands for, which stores <paramref name="before"/>. False when that
    /// would link none, or another group of this apply changes the same way (its links could not be told apart).
    /// </summary>
    public async Task<bool> TryApplyAsync(ClientRow first, AppliedSettings before, CancellationToken ct)
    {
        var described = unnamed.After.DescribeChangeFrom(before);
        var change = AuditLog.Cut(described);
        if (plan.Groups.Exists(g => g.Change == change)) return false;
        var entry = await audit.IdAsync(ct);
        var sql = StoredGroupSql.For(db);
        var parameters = new RawParameters(db);
        var linked = await db.Database.ExecuteSqlRawAsync(sql.LinkMembers,
            [parameters.Of("@entry", entry), parameters.Of("@change", change), parameters.Of("@probe", first.Id),
                db.Dialect.ArrayParameter(parameters, "@named", named)], ct);
        if (linked == 0) return false;
        audit.Linked(change, linked);
        plan.Groups.Add(new AppliedGroup(entry, change, described, before, linked));
        if (!unnamed.HasAccessOf(first))
            await ApplyWrites.SetAccessAsync(db, db.Clients.Where(c => db.AuditClients.Any(l => l.EntryId == entry && l.Change == change && l.ClientId == c.Id)),
                unnamed.Shape, ct);
        if (before.Budget != unnamed.After.Budget)
        {
            var budget = new RawParameters(db);
            await ApplyWrites.ApplyBudgetAsync(db, budget, sql.Linked, [budget.Of("@entry", entry), budget.Of("@change", change)], unnamed.After, nowMs, ct);
        }
        return true;
    }
}

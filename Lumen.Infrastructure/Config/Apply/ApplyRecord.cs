using Lumen.Domain.Config;
using Lumen.Infrastructure.Changes;
using Lumen.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Infrastructure.Config.Apply;

/// <summary>The record step of an apply: the changes the report and the change feed tell, and the audit entry.</summary>
internal static class ApplyRecord
{
    /// <summary>
    /// One change for each changed client, a group's members named from their audit links; past
    /// <see cref="ConfigSync.MaxReported"/>, one change that says what changed for them all and reads no name.
    /// </summary>
    public static async Task<IReadOnlyList<Change>> ChangesAsync(LumenDbContext db, ApplyPlan plan, AppliedSettings unnamed, CancellationToken ct)
    {
        if (plan.Changed > ConfigSync.MaxReported)
        {
            // Said once for all of them, as the feed says any change of this many (ChangeFeed.MaxNamed).
            return [ChangeFeed.Many(ChangeKind.SettingsApplied, plan.Changes.Select(c => c.Summary).Concat(plan.Groups.Select(g => g.Described)))];
        }
        var changes = new List<Change>(plan.Changes);
        foreach (var g in plan.Groups)
        {
            var names = await db.AuditClients.AsNoTracking().Where(l => l.EntryId == g.Entry && l.Change == g.Change)
                .OrderBy(l => l.ClientId).Select(l => l.ClientRow!.Name).ToListAsync(ct);
            changes.AddRange(names.Select(n => new Change(n, ChangeKind.SettingsApplied, g.Described, g.Before, unnamed)));
        }
        return changes;
    }
}

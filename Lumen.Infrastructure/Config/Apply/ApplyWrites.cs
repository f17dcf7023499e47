using Lumen.Domain.Budget;
using Lumen.Domain.Config;
using Lumen.Infrastructure.Persistence;
using Lumen.Infrastructure.Ledger;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Infrastructure.Config.Apply;

/// <summary>The apply step: the statements that write a plan's settings to clients and pools, set-based.</summary>
internal static class ApplyWrites
{
    /// <summary>Each target's settings onto the clients the plan collected for it, then the plan's new pools.</summary>
    public static async Task WritePlanAsync(LumenDbContext db, ApplyTargets targets, ApplyPlan plan, long nowMs, CancellationToken ct)
    {
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
        if (plan.NewPools.Count > 0)
        {
            db.CoinPools.AddRange(plan.NewPools);
            await db.SaveChangesAsync(ct);
        }
    }

    /// <summary>The access half of a target's settings (<paramref name="shape"/>) onto <paramref name="clients"/>, in one statement.</summary>
    public static Task<int> SetAccessAsync(LumenDbContext db, IQueryable<ClientRow> clients, ClientRow shape, CancellationToken ct) =>
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
    public static Task<int> ApplyBudgetAsync(LumenDbContext db, RawParameters parameters, string clientIds, object[] idParameters,
        AppliedSettings after, long nowMs, CancellationToken ct)
    {
        var unlimited = after.Budget.Kind == BudgetKind.Unlimited;
        object[] values =
        [
            parameters.Of("@now", nowMs), parameters.Of("@max", after.Budget.Max.Micros),
            parameters.Of("@refresh", after.Budget.RefreshPerHour.Micros), parameters.Of("@starting", after.Budget.Starting.Micros),
            .. idParameters,
        ];
        return db.Database.ExecuteSqlRawAsync(PoolSql.For(db).ApplyBudget(unlimited, clientIds), values, ct);
    }
}

using System.Data.Common;
using Lumen.Domain.Clients;
using Lumen.Domain.Config;
using Lumen.Infrastructure.Events;
using Lumen.Infrastructure.Persistence;
using Lumen.Infrastructure.Usage;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Infrastructure.Config;

/// <summary>What applying a config did: the changed clients and the named entries skipped for want of a client.</summary>
public sealed record SyncReport(IReadOnlyList<ClientChange> Changes, IReadOnlyList<string> SkippedEntries, int Unchanged);

/// <summary>
/// Applies a valid config to every existing client in one transaction (§11): the init-db command and the watcher
/// both come here. Named entries of clients that do not exist are skipped (they apply when the client is created).
/// </summary>
public sealed class ConfigSync(IDbContextFactory<LumenDbContext> contexts, ClientChangeNotifier notifier, TimeProvider clock)
{
    public async Task<SyncReport> ApplyAsync(LumenConfig config, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var nowMs = now.ToUnixTimeMilliseconds();
        var changes = new List<ClientChange>();
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var clients = await db.Clients.Include(c => c.Pool).ToListAsync(ct);
        foreach (var client in clients)
        {
            var after = AppliedSettings.From(config.Clients.Resolve(ClientName.Create(client.Name)));
            if (client.Pool is null)
            {
                PoolMapping.SetAccess(client, after);
                db.CoinPools.Add(PoolMapping.NewPool(client.Id, after.Budget, now));
                changes.Add(new ClientChange(client.Name, ClientChangeKind.SettingsApplied, "config applied; pool created", null, after));
                continue;
            }
            var before = PoolMapping.Applied(client, client.Pool);
            if (before == after) continue;
            PoolMapping.SetAccess(client, after);
            if (before.Budget != after.Budget) await ApplyBudgetAsync(db, client.Id, after, nowMs, ct);
            changes.Add(new ClientChange(client.Name, ClientChangeKind.SettingsApplied, after.DescribeChangeFrom(before), before, after));
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);

        var existing = clients.Select(c => c.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var skipped = config.Clients.Named.Keys.Where(n => !existing.Contains(n)).Order(StringComparer.Ordinal).ToList();
        notifier.Publish(changes);
        return new SyncReport(changes, skipped, clients.Count - changes.Count);
    }

    /// <summary>Named entries in the config whose client has not been created yet (shown to admins).</summary>
    public async Task<IReadOnlyList<string>> PendingEntriesAsync(LumenConfig config, CancellationToken ct = default)
    {
        var names = config.Clients.Named.Keys.Select(n => n.ToLowerInvariant()).ToList();
        await using var db = await contexts.CreateDbContextAsync(ct);
        var existing = await db.Clients.AsNoTracking().Where(c => names.Contains(c.Name)).Select(c => c.Name).ToListAsync(ct);
        return names.Except(existing, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// New budget in one atomic statement: the balance is first refilled under the old settings (they were in force
    /// until now), then kept but clamped to the new cap (§4). A changed starting never touches an existing pool.
    /// </summary>
    private static Task<int> ApplyBudgetAsync(LumenDbContext db, int clientId, AppliedSettings after, long nowMs, CancellationToken ct)
    {
        var unlimited = after.Budget.Kind == Domain.Budget.BudgetKind.Unlimited;
        var parameters = DbProviderFactories.GetFactory(db.Database.GetDbConnection())!;
        object Parameter(string name, object value)
        {
            var parameter = parameters.CreateParameter()!;
            parameter.ParameterName = name;
            parameter.Value = value;
            return parameter;
        }
        return db.Database.ExecuteSqlRawAsync(PoolSql.For(db).ApplyBudget(unlimited),
        [
            Parameter("@now", nowMs), Parameter("@max", after.Budget.Max.Micros), Parameter("@refresh", after.Budget.RefreshPerHour.Micros),
            Parameter("@starting", after.Budget.Starting.Micros), Parameter("@client", clientId),
        ], ct);
    }
}

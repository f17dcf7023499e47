using Lumen.Domain.Config;
using Lumen.Infrastructure.Changes;
using Lumen.Infrastructure.Persistence;

namespace Lumen.Infrastructure.Config.Apply;

/// <summary>
/// The plan of an apply: what it decided to change, client by client (the changes to publish and audit, the pools to
/// create, each target's clients to write) and group by group (<see cref="Groups"/>, applied by the database).
/// </summary>
internal sealed class ApplyPlan(DateTimeOffset now)
{
    public List<Change> Changes { get; } = [];
    public List<CoinPoolRow> NewPools { get; } = [];
    public List<(int ClientId, string Client, string Change)> Audited { get; } = [];
    public List<AppliedGroup> Groups { get; } = [];

    /// <summary>How many clients change: each decided alone, and every member of each group.</summary>
    public int Changed => Changes.Count + Groups.Sum(g => g.Count);

    /// <summary>Decides one client read on its own.</summary>
    public void Consider(ClientRow client, ApplyTarget target)
    {
        var after = target.After;
        if (client.Pool is null)
        {
            target.AccessChanged.Add(client.Id);
            NewPools.Add(PoolMapping.NewPool(client.Id, client.Name, after.Budget, now));
            Changes.Add(new Change(client.Name, ChangeKind.SettingsApplied, "config applied; pool created", null, after));
            Audited.Add((client.Id, client.Name, "pool created"));
            return;
        }
        if (target.IsAppliedTo(client)) return;
        if (StoredSettings.Read(client, out var unreadable) is not { } before)
        {
            // Applying writes every access column from the config, so it replaces what cannot be read rather than
            // fail every reload over one row; nothing is decided from the unreadable value, and the change says so.
            target.AccessChanged.Add(client.Id);
            if (PoolMapping.Budget(client.Pool) != after.Budget) target.BudgetChanged.Add(client.Id);
            Changes.Add(new Change(client.Name, ChangeKind.SettingsApplied, $"config applied; {unreadable}", null, after));
            Audited.Add((client.Id, client.Name, $"unreadable settings replaced: {unreadable}"));
            return;
        }
        if (before == after) return;
        Decide(client.Id, client.Name, target, !target.HasAccessOf(client), before.Budget != after.Budget, before, after.DescribeChangeFrom(before));
    }

    /// <summary>A client whose settings change from <paramref name="before"/> to the target's, as <paramref name="described"/>.</summary>
    private void Decide(int id, string name, ApplyTarget target, bool access, bool budget, AppliedSettings before, string described)
    {
        if (access) target.AccessChanged.Add(id);
        if (budget) target.BudgetChanged.Add(id);
        Changes.Add(new Change(name, ChangeKind.SettingsApplied, described, before, target.After));
        Audited.Add((id, name, described));
    }
}

/// <summary>A stored group applied by the database: its links in the audit entry, how it changed, and how many.</summary>
internal sealed record AppliedGroup(long Entry, string Change, string Described, AppliedSettings Before, int Count);

using Lumen.Domain.Budget;
using Lumen.Domain.Calls;
using Lumen.Domain.Clients;
using Lumen.Infrastructure.Clients;
using Lumen.Infrastructure.Ledger;
using Lumen.Infrastructure.Persistence;
using Lumen.Infrastructure.UseCases;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Infrastructure.UsageCharts;

/// <summary>Charged calls (the ones the counters count) in one bucket of a window.</summary>
public sealed record UsageAmounts(long Requests, long InputTokens, long OutputTokens, Coins Coins)
{
    public static readonly UsageAmounts None = new(0, 0, 0, Coins.Zero);

    public UsageAmounts Plus(long requests, long input, long output, long coinsMicros) =>
        new(Requests + requests, InputTokens + input, OutputTokens + output, Coins.FromMicros(Coins.Micros + coinsMicros));
}

/// <summary>A client's charged calls in a window, for the top clients by coins.</summary>
public sealed record ClientUsageTotal(string Name, long Requests, Coins Coins);

/// <summary>The usage on <c>/clients</c> (§16): every visible client's charged calls per bucket, and the top clients by coins.</summary>
public sealed record UsageBoardView(UsageBuckets Buckets, IReadOnlyList<UsageAmounts> Usage, IReadOnlyList<ClientUsageTotal> Top);

/// <summary>One model's charged calls per bucket on a client's page.</summary>
public sealed record ModelUsage(string Model, IReadOnlyList<UsageAmounts> Usage);

/// <summary>
/// A client's balance at a moment: from the stored balance after the last charge before it, refilled to it under the
/// client's budget; null before anything is known.
/// </summary>
public sealed record BalancePoint(DateTimeOffset At, Coins? Balance);

/// <summary>The usage on a client's page (§16): charged calls per bucket by model, and the balance at each bucket's end.</summary>
public sealed record ClientUsageView(UsageBuckets Buckets, IReadOnlyList<ModelUsage> Models, IReadOnlyList<BalancePoint> Balance,
    BudgetKind Budget);

/// <summary>
/// Reads the usage charts from the rows the ledger writes with each charge (so they agree exactly with the counters),
/// behind the §6 check: an admin's board adds every client's hourly totals, a manager's only their clients' hours.
/// </summary>
public sealed class UsageBoard(LumenDatabase contexts, ClientAccess access, TimeProvider clock)
{
    /// <summary>How many clients the top list shows.</summary>
    public const int TopCount = 10;

    private static readonly string Ok = CallOutcome.Ok.Word();
    private static readonly string ClientClosed = CallOutcome.ClientClosed.Word();

    /// <summary>The board over the clients the actor sees; refused for someone who sees none (§6: no <c>/clients</c>).</summary>
    public async Task<Outcome<UsageBoardView>> ForClientsAsync(Actor actor, UsageWindow window, CancellationToken ct = default)
    {
        var email = ClientVisibility.ManagerScope(access, actor);
        var buckets = UsageBuckets.For(window, clock.GetUtcNow());
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (email is not null && !await ClientVisibility.ManagedIds(db, email).AnyAsync(ct))
            return new Failure(FailureKind.Forbidden, "Only admins and managers of a client can see usage.");

        var from = buckets.From;
        // Per hour in the database (at most 720 rows), into buckets here. An admin's from every client's totals, a
        // manager's from their clients' own hours, or for 30 days (daily buckets) their days: PostgreSQL misjudges how
        // few hours a manager's clients have and reads every hour of the window, where the days are 24 times fewer.
        var rows = email is null
            ? db.UsageTotalHours.Where(u => u.Hour >= from && (u.Outcome == Ok || u.Outcome == ClientClosed))
                .Select(u => new { u.Hour, u.Calls, u.InputTokens, u.OutputTokens, u.CoinsMicros })
            : window == UsageWindow.Month
            ? db.UsageDays.Where(u => ClientVisibility.ManagedIds(db, email).Contains(u.ClientId) && u.Day >= from)
                .Select(u => new { Hour = u.Day, u.Calls, u.InputTokens, u.OutputTokens, u.CoinsMicros })
            : db.UsageHours.Where(u => ClientVisibility.ManagedIds(db, email).Contains(u.ClientId) && u.Hour >= from
                    && (u.Outcome == Ok || u.Outcome == ClientClosed))
                .Select(u => new { u.Hour, u.Calls, u.InputTokens, u.OutputTokens, u.CoinsMicros });
        var hours = await rows.GroupBy(u => u.Hour)
            .Select(g => new HourSum(g.Key, g.Sum(u => u.Calls), g.Sum(u => u.InputTokens), g.Sum(u => u.OutputTokens), g.Sum(u => u.CoinsMicros)))
            .ToListAsync(ct);
        var usage = Bucketed(buckets, hours);

        var top = await TopAsync(db, email, buckets, ct);
        return new UsageBoardView(buckets, usage, top);
    }

    /// <summary>
    /// The top clients by coins: the 24 hours from the hourly rows, 7 and 30 days from the daily ones (the window starts
    /// at midnight). Ties by name.
    /// </summary>
    private static async Task<IReadOnlyList<ClientUsageTotal>> TopAsync(LumenDbContext db, string? email, UsageBuckets buckets,
        CancellationToken ct)
    {
        var from = buckets.From;
        // Either table's rows in one shape, so one grouping serves both.
        var parts = buckets.Window == UsageWindow.Day
            ? db.UsageHours.Where(u => u.Hour >= from && (u.Outcome == Ok || u.Outcome == ClientClosed))
                .Select(u => new { u.ClientId, u.Calls, u.CoinsMicros })
            : db.UsageDays.Where(u => u.Day >= from).Select(u => new { u.ClientId, u.Calls, u.CoinsMicros });
        if (email is not null) parts = parts.Where(u => ClientVisibility.ManagedIds(db, email).Contains(u.ClientId));
        var top = await parts.GroupBy(u => u.ClientId)
            .Select(g => new { ClientId = g.Key, Calls = g.Sum(u => u.Calls), CoinsMicros = g.Sum(u => u.CoinsMicros) })
            .OrderByDescending(s => s.CoinsMicros).ThenByDescending(s => s.Calls)
            .Take(TopCount).ToListAsync(ct);
        var ids = top.Select(t => t.ClientId).ToList();
        var names = await db.Clients.AsNoTracking().Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Name, ct);
        return [.. top.Where(t => names.ContainsKey(t.ClientId))
            .Select(t => new ClientUsageTotal(names[t.ClientId], t.Calls, Coins.FromMicros(t.CoinsMicros)))
            .OrderByDescending(t => t.Coins.Micros).ThenByDescending(t => t.Requests).ThenBy(t => t.Name, StringComparer.Ordinal)];
    }

    /// <summary>A client's usage by model and balance over the window; NotFound for an unknown name and a client the actor may not see alike.</summary>
    public async Task<Outcome<ClientUsageView>> ForClientAsync(Actor actor, string name, UsageWindow window, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var buckets = UsageBuckets.For(window, now);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var found = await access.FindAsync(db, actor, name, ClientAction.View, ct);
        if (!found.Succeeded) return found.Failure!;
        var id = found.Value!.Id;
        var from = buckets.From;

        var hours = await db.UsageHours.AsNoTracking()
            .Where(u => u.ClientId == id && u.Hour >= from && (u.Outcome == Ok || u.Outcome == ClientClosed))
            .GroupBy(u => new { u.Hour, u.Model })
            .Select(g => new { g.Key.Hour, g.Key.Model, Calls = g.Sum(u => u.Calls), Input = g.Sum(u => u.InputTokens),
                Output = g.Sum(u => u.OutputTokens), Coins = g.Sum(u => u.CoinsMicros) })
            .ToListAsync(ct);
        var models = hours.GroupBy(h => h.Model, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new ModelUsage(g.Key, Bucketed(buckets, g.Select(h => new HourSum(h.Hour, h.Calls, h.Input, h.Output, h.Coins)))))
            .ToList();

        var pool = await db.CoinPools.AsNoTracking().SingleAsync(p => p.ClientId == id, ct);
        var budget = PoolMapping.Budget(pool);
        // The stored balance after each charged hour in the window, and the last one before it to start from.
        var balances = await db.BalanceHours.AsNoTracking().Where(b => b.ClientId == id && b.Hour >= from)
            .OrderBy(b => b.Hour).ToListAsync(ct);
        var before = await db.BalanceHours.AsNoTracking().Where(b => b.ClientId == id && b.Hour < from)
            .OrderByDescending(b => b.Hour).FirstOrDefaultAsync(ct);
        if (before is not null) balances.Insert(0, before);
        var points = BalanceLine(buckets, budget, balances, pool, now);

        return new ClientUsageView(buckets, models, points, budget.Kind);
    }

    /// <summary>
    /// The balance at each bucket's end (the last: now, the pool's own balance): the last stored balance before it,
    /// refilled to it under the budget in force, so the refill shows between charges. Unknown before the first charge
    /// unless the pool was never charged (its own balance then holds).
    /// </summary>
    private static List<BalancePoint> BalanceLine(UsageBuckets buckets, BudgetSettings budget, List<BalanceHourRow> balances,
        CoinPoolRow pool, DateTimeOffset now)
    {
        var points = new List<BalancePoint>(buckets.Count);
        var next = 0;
        BalanceHourRow? last = null;
        for (var i = 0; i < buckets.Count; i++)
        {
            var end = new DateTimeOffset(buckets.StartOf(i + 1));
            if (end >= now)
            {
                points.Add(new(now, PoolSnapshot.From(pool, now).Balance));
                break;
            }
            while (next < balances.Count && StoredTime.Utc(balances[next].Hour) < end.UtcDateTime) last = balances[next++];
            PoolBalance? known = last is not null ? new PoolBalance(Coins.FromMicros(last.BalanceMicros), last.BalanceAsOfMs)
                : balances.Count == 0 && pool.BalanceAsOfMs <= end.ToUnixTimeMilliseconds()
                    ? new PoolBalance(Coins.FromMicros(pool.BalanceMicros), pool.BalanceAsOfMs)
                    : null;
            points.Add(new(end, known is { } k ? budget.Refill(k, end).Balance : null));
        }
        return points;
    }

    private static List<UsageAmounts> Bucketed(UsageBuckets buckets, IEnumerable<HourSum> hours)
    {
        var usage = Enumerable.Repeat(UsageAmounts.None, buckets.Count).ToList();
        foreach (var h in hours)
        {
            var i = buckets.IndexOf(h.Hour);
            if (i >= 0) usage[i] = usage[i].Plus(h.Calls, h.InputTokens, h.OutputTokens, h.CoinsMicros);
        }
        return usage;
    }

    private sealed record HourSum(DateTime Hour, long Calls, long InputTokens, long OutputTokens, long CoinsMicros);
}

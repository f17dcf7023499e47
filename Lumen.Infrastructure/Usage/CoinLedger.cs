using Lumen.Domain.Budget;
using Lumen.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Infrastructure.Usage;

/// <summary>Charges calls and logs them (§4, §10). Every charge is one UPDATE: refill, subtract, count.</summary>
public sealed class CoinLedger(IDbContextFactory<LumenDbContext> contexts, TimeProvider clock)
{
    /// <summary>
    /// Charges a successful call: the pool's refill, the cost and the counters in one atomic statement, the
    /// request-log row and the key's last use beside it, all in one transaction.
    /// </summary>
    public async Task ChargeAsync(int clientId, int apiKeyId, string model, long inputTokens, long outputTokens,
        Coins cost, int durationMs, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var nowMs = now.ToUnixTimeMilliseconds();
        var costMicros = cost.Micros;
        var balance = PoolExpressions.Let(PoolExpressions.RefilledBalance(nowMs), (_, b) => b - costMicros);
        var asOf = PoolExpressions.RefilledAsOf(nowMs);

        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.CoinPools.Where(p => p.ClientId == clientId).ExecuteUpdateAsync(s => s
            .SetProperty(p => p.BalanceMicros, balance)
            .SetProperty(p => p.BalanceAsOfMs, asOf)
            .SetProperty(p => p.Requests, p => p.Requests + 1)
            .SetProperty(p => p.InputTokens, p => p.InputTokens + inputTokens)
            .SetProperty(p => p.OutputTokens, p => p.OutputTokens + outputTokens)
            .SetProperty(p => p.CoinsSpentMicros, p => p.CoinsSpentMicros + costMicros), ct);
        var at = now.UtcDateTime;
        await db.ApiKeys.Where(k => k.Id == apiKeyId).ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, at), ct);
        db.RequestLog.Add(ToRow(new CallRecord(clientId, apiKeyId, model, 200, null, inputTokens, outputTokens, costMicros, durationMs), at));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>Logs a call that was refused or failed; nothing is charged.</summary>
    public async Task LogRefusalAsync(CallRecord call, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        db.RequestLog.Add(ToRow(call with { CoinsMicros = 0 }, clock.GetUtcNow().UtcDateTime));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The pool's balance now (refilled, not stored), its settings and counters; null for an unknown client.</summary>
    public async Task<PoolSnapshot?> GetPoolAsync(int clientId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = await db.CoinPools.AsNoTracking().FirstOrDefaultAsync(p => p.ClientId == clientId, ct);
        return row is null ? null : PoolSnapshot.From(row, clock.GetUtcNow());
    }

    private static RequestLogRow ToRow(CallRecord call, DateTime at) => new()
    {
        ClientId = call.ClientId,
        ApiKeyId = call.ApiKeyId,
        Model = call.Model.Length > 200 ? call.Model[..200] : call.Model,
        Status = call.Status,
        ErrorCode = call.ErrorCode,
        InputTokens = call.InputTokens,
        OutputTokens = call.OutputTokens,
        CoinsMicros = call.CoinsMicros,
        DurationMs = call.DurationMs,
        At = at,
    };
}

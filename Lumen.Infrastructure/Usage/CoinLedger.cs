using Lumen.Domain.Budget;
using Lumen.Infrastructure.Persistence;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Infrastructure.Usage;

/// <summary>
/// Charges calls and logs them (§4, §10). Every charge is one UPDATE: refill, subtract, count. Writes go through a
/// group commit: one writer per instance runs every charge and log row waiting at that moment in one transaction,
/// and each caller returns only once its own charge is committed. Durable per call, without an fsync per call.
/// </summary>
public sealed class CoinLedger : IAsyncDisposable
{
    private const int MaxBatch = 512;
    private readonly IDbContextFactory<LumenDbContext> _contexts;
    private readonly TimeProvider _clock;
    private readonly Channel<PendingWrite> _queue = Channel.CreateUnbounded<PendingWrite>(new() { SingleReader = true });
    private readonly Task _writer;

    public CoinLedger(IDbContextFactory<LumenDbContext> contexts, TimeProvider clock)
    {
        _contexts = contexts;
        _clock = clock;
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>
    /// Charges a successful call: the pool's refill, the cost and the counters in one atomic statement, the
    /// request-log row and the key's last use beside it, committed before this returns.
    /// </summary>
    public Task ChargeAsync(int clientId, int apiKeyId, string model, long inputTokens, long outputTokens,
        Coins cost, int durationMs, CancellationToken ct = default)
    {
        var now = _clock.GetUtcNow();
        var nowMs = now.ToUnixTimeMilliseconds();
        var costMicros = cost.Micros;
        var balance = PoolExpressions.Let(PoolExpressions.RefilledBalance(nowMs), (_, b) => b - costMicros);
        var asOf = PoolExpressions.RefilledAsOf(nowMs);
        var at = now.UtcDateTime;
        return EnqueueAsync(async db =>
        {
            await db.CoinPools.Where(p => p.ClientId == clientId).ExecuteUpdateAsync(s => s
                .SetProperty(p => p.BalanceMicros, balance)
                .SetProperty(p => p.BalanceAsOfMs, asOf)
                .SetProperty(p => p.Requests, p => p.Requests + 1)
                .SetProperty(p => p.InputTokens, p => p.InputTokens + inputTokens)
                .SetProperty(p => p.OutputTokens, p => p.OutputTokens + outputTokens)
                .SetProperty(p => p.CoinsSpentMicros, p => p.CoinsSpentMicros + costMicros));
            await db.ApiKeys.Where(k => k.Id == apiKeyId).ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, at));
            db.RequestLog.Add(ToRow(new CallRecord(clientId, apiKeyId, model, 200, null, inputTokens, outputTokens, costMicros, durationMs), at));
        }, ct);
    }

    /// <summary>Logs a call that was refused or failed; nothing is charged.</summary>
    public Task LogRefusalAsync(CallRecord call, CancellationToken ct = default)
    {
        var row = ToRow(call with { CoinsMicros = 0 }, _clock.GetUtcNow().UtcDateTime);
        return EnqueueAsync(db =>
        {
            db.RequestLog.Add(row);
            return Task.CompletedTask;
        }, ct);
    }

    private Task EnqueueAsync(Func<LumenDbContext, Task> apply, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var write = new PendingWrite(apply, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        ObjectDisposedException.ThrowIf(!_queue.Writer.TryWrite(write), this);
        return write.Done.Task;
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<PendingWrite>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var write)) batch.Add(write);
            try
            {
                await CommitAsync(batch);
                foreach (var write in batch) write.Done.TrySetResult();
            }
            catch (Exception) when (batch.Count > 1)
            {
                // One bad write must not fail its neighbours: retry each alone, each caller gets its own outcome.
                foreach (var write in batch) await CommitAloneAsync(write);
            }
            catch (Exception e)
            {
                batch[0].Done.TrySetException(e);
            }
        }
    }

    private async Task CommitAloneAsync(PendingWrite write)
    {
        try
        {
            await CommitAsync([write]);
            write.Done.TrySetResult();
        }
        catch (Exception e)
        {
            write.Done.TrySetException(e);
        }
    }

    private async Task CommitAsync(IReadOnlyList<PendingWrite> writes)
    {
        await using var db = await _contexts.CreateDbContextAsync();
        await using var tx = await db.Database.BeginTransactionAsync();
        foreach (var write in writes) await write.Apply(db);
        await db.SaveChangesAsync();
        await tx.CommitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer;
    }

    private sealed record PendingWrite(Func<LumenDbContext, Task> Apply, TaskCompletionSource Done);

    /// <summary>The pool's balance now (refilled, not stored), its settings and counters; null for an unknown client.</summary>
    public async Task<PoolSnapshot?> GetPoolAsync(int clientId, CancellationToken ct = default)
    {
        await using var db = await _contexts.CreateDbContextAsync(ct);
        var row = await db.CoinPools.AsNoTracking().FirstOrDefaultAsync(p => p.ClientId == clientId, ct);
        return row is null ? null : PoolSnapshot.From(row, _clock.GetUtcNow());
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

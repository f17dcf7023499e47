using Lumen.Domain.Budget;
using Lumen.Infrastructure.Persistence;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Infrastructure.Usage;

/// <summary>
/// Charges calls and logs them (§4, §10). Every charge is one UPDATE: refill, subtract, count. Writes go through a
/// group commit: one writer per instance runs every charge and log row waiting at that moment in one transaction,
/// and each caller returns only once its own charge is committed. Durable per call, without an fsync per call.
/// The writer keeps one connection with its statements prepared (<see cref="LedgerSession"/>), so the single writer
/// spends its time in the database, not in building queries.
/// </summary>
public sealed class CoinLedger : IAsyncDisposable
{
    private const int MaxBatch = 512;
    private readonly IDbContextFactory<LumenDbContext> _contexts;
    private readonly TimeProvider _clock;
    private readonly Channel<PendingWrite> _queue = Channel.CreateUnbounded<PendingWrite>(new() { SingleReader = true });
    private readonly Task _writer;
    private LedgerSession? _session; // the writer's alone

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
        Coins cost, int durationMs, CancellationToken ct = default) =>
        EnqueueAsync(new LedgerEntry(new CallRecord(clientId, apiKeyId, model, 200, null, inputTokens, outputTokens, cost.Micros, durationMs),
            _clock.GetUtcNow(), Charged: true), ct);

    /// <summary>Logs a call that was refused or failed; nothing is charged.</summary>
    public Task LogRefusalAsync(CallRecord call, CancellationToken ct = default) =>
        EnqueueAsync(new LedgerEntry(call with { CoinsMicros = 0 }, _clock.GetUtcNow(), Charged: false), ct);

    private Task EnqueueAsync(LedgerEntry entry, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var write = new PendingWrite(entry, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
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
        if (_session is not null) await _session.DisposeAsync();
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
        var session = _session ??= await LedgerSession.OpenAsync(_contexts);
        try
        {
            await session.CommitAsync(writes.Select(w => w.Entry).ToList());
        }
        catch
        {
            // The connection may be broken (or the transaction left open): start the next batch on a fresh one.
            _session = null;
            await session.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer;
    }

    private sealed record PendingWrite(LedgerEntry Entry, TaskCompletionSource Done);

    /// <summary>The pool's balance now (refilled, not stored), its settings and counters; null for an unknown client.</summary>
    public async Task<PoolSnapshot?> GetPoolAsync(int clientId, CancellationToken ct = default)
    {
        await using var db = await _contexts.CreateDbContextAsync(ct);
        var row = await db.CoinPools.AsNoTracking().FirstOrDefaultAsync(p => p.ClientId == clientId, ct);
        return row is null ? null : PoolSnapshot.From(row, _clock.GetUtcNow());
    }
}

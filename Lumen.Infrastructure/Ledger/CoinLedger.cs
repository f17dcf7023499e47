using Lumen.Domain.Budget;
using Lumen.Infrastructure.Persistence;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Infrastructure.Ledger;

/// <summary>
/// Charges calls and logs them (§4, §10). Every charge is one UPDATE: refill, subtract (a client's last charge of a
/// batch also counts the batch's calls, §16's hourly usage beside it). Writes go through a
/// group commit: one writer per instance runs every charge and log row waiting at that moment in one transaction,
/// and each caller returns only once its own charge is committed. Durable per call, without an fsync per call.
/// The writer keeps one connection with its statements prepared (<see cref="LedgerSession"/>), so the single writer
/// spends its time in the database, not in building queries.
/// </summary>
public sealed class CoinLedger : IAsyncDisposable
{
    private const int MaxBatch = 512;
    public const string MeterName = "Lumen.Ledger";
    public const string BatchSizeInstrument = "lumen.ledger.batch_size";
    private readonly IDbContextFactory<LumenDbContext> _contexts;
    private readonly TimeProvider _clock;
    private readonly Channel<PendingWrite> _queue = Channel.CreateUnbounded<PendingWrite>(new() { SingleReader = true });
    private readonly Task _writer;
    private LedgerSession? _session; // the writer's alone
    private bool _commitOutcomeUnknown; // the last failure happened during COMMIT: the batch may be written
    private readonly Histogram<int>? _batchSizes; // how much the group commit groups: 1s under light load

    internal CoinLedger(IDbContextFactory<LumenDbContext> contexts, TimeProvider clock, IMeterFactory? meters = null)
    {
        _contexts = contexts;
        _clock = clock;
        _batchSizes = meters?.Create(MeterName).CreateHistogram(BatchSizeInstrument, "{write}", "Charges and log rows committed together",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512] });
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>
    /// Charges a call that was answered (or left by its caller after part of the answer): the pool's refill, the cost
    /// in one atomic statement, the counters and hourly usage, the request-log row and the key's last use beside it, committed
    /// before this returns.
    /// </summary>
    public Task ChargeAsync(CallRecord call, CancellationToken ct = default) =>
        EnqueueAsync(new LedgerEntry(call, _clock.GetUtcNow(), Charged: true), ct);

    /// <summary>Charges an answered chat call (a shorthand of <see cref="ChargeAsync(CallRecord, CancellationToken)"/>).</summary>
    public Task ChargeAsync(int clientId, int apiKeyId, string model, long inputTokens, long outputTokens,
        Coins cost, int durationMs, CancellationToken ct = default) =>
        ChargeAsync(new CallRecord(clientId, apiKeyId, model, 200, null, inputTokens, outputTokens, cost.Micros, durationMs), ct);

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
            _batchSizes?.Record(batch.Count);
            try
            {
                await CommitAsync(batch);
                foreach (var write in batch) write.Done.TrySetResult();
            }
            catch (Exception) when (batch.Count > 1 && !_commitOutcomeUnknown)
            {
                // One bad write must not fail its neighbours: retry each alone, each caller gets its own outcome.
                foreach (var write in batch) await CommitAloneAsync(write);
            }
            catch (Exception e)
            {
                // Either one write alone, or a batch whose COMMIT failed: it may be written, so it is not tried again.
                foreach (var write in batch) write.Done.TrySetException(e);
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
        var entries = writes.Select(w => w.Entry).ToList();
        _commitOutcomeUnknown = false;
        if (_session is { } kept)
        {
            try
            {
                await kept.CommitAsync(entries);
                return;
            }
            catch (Exception) when (!kept.CommitStarted)
            {
                // A kept connection can go stale (the database restarted, an idle connection was dropped). Nothing
                // was committed, so the batch is tried once more on a new connection.
                await DropSessionAsync();
            }
            catch
            {
                _commitOutcomeUnknown = true;
                await DropSessionAsync();
                throw;
            }
        }
        var session = _session = await LedgerSession.OpenAsync(_contexts);
        try
        {
            await session.CommitAsync(entries);
        }
        catch
        {
            _commitOutcomeUnknown = session.CommitStarted;
            await DropSessionAsync();
            throw;
        }
    }

    private async Task DropSessionAsync()
    {
        if (_session is not { } session) return;
        _session = null;
        await DisposeQuietlyAsync(session);
    }

    /// <summary>Closing a broken connection may throw too; the failure that matters is the one already in hand.</summary>
    private static async Task DisposeQuietlyAsync(LedgerSession session)
    {
        try
        {
            await session.DisposeAsync();
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or IOException)
        {
            // Nothing to do: the session is dropped either way.
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

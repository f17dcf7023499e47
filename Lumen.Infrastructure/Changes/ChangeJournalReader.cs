using Lumen.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Lumen.Infrastructure.Changes;

/// <summary>How often an instance reads the change journal (§18: other processes' changes show within 5 seconds).</summary>
public sealed record ChangeJournalOptions(TimeSpan PollInterval)
{
    public static readonly ChangeJournalOptions Default = new(TimeSpan.FromSeconds(2));
}

/// <summary>
/// Reads what other processes journaled and delivers it to this instance's feed. Ids are taken from a sequence at
/// insert, so a row can commit after one with a higher id: each read looks back over the ids of the last
/// <see cref="LookBack"/> and skips the rows delivered already (by an earlier read, or through Redis).
/// </summary>
public sealed partial class ChangeJournalReader(
    LumenDatabase contexts, ChangeFeed feed, ChangeJournalOptions options, TimeProvider clock,
    ILogger<ChangeJournalReader> logger) : BackgroundService
{
    private static readonly TimeSpan LookBack = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan PruneEvery = TimeSpan.FromMinutes(1);
    private const int ReadAtMost = 500;

    private readonly Queue<(DateTimeOffset At, long MaxId)> _marks = new();
    private long _floor;
    private long _maxId;
    private DateTimeOffset _pruned = DateTimeOffset.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Start from now: what was journaled before this instance started is already in the database it reads.
                await using var db = await contexts.CreateDbContextAsync(stoppingToken);
                _floor = _maxId = await db.ChangeJournal.MaxAsync(r => (long?)r.Id, stoppingToken) ?? 0;
                break;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                ReadFailed(logger, e);
                await Task.Delay(options.PollInterval, clock, stoppingToken);
            }
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.PollInterval, clock, stoppingToken);
                while (await ReadOnceAsync(stoppingToken) == ReadAtMost)
                {
                    // A burst: read on at once.
                }
                await PruneAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                ReadFailed(logger, e); // the database may be down for a moment: try again next time
            }
        }
    }

    /// <summary>Delivers the rows other processes wrote since the last read; returns how many rows it read.</summary>
    internal async Task<int> ReadOnceAsync(CancellationToken ct)
    {
        List<ChangeJournalRow> rows;
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            var floor = _floor;
            rows = await db.ChangeJournal.AsNoTracking().Where(r => r.Id > floor).OrderBy(r => r.Id).Take(ReadAtMost).ToListAsync(ct);
        }
        var changes = new List<Change>();
        foreach (var row in rows)
        {
            _maxId = Math.Max(_maxId, row.Id);
            // Rows re-read within the look-back, and batches Redis brought first, are delivered already.
            if (row.Instance == feed.Instance || !feed.Delivered.First(row.Id)) continue;
            changes.AddRange(ChangeJournal.Read(row));
        }
        await feed.DeliverAsync(ChangeFeed.Condense(changes));

        var now = clock.GetUtcNow();
        _marks.Enqueue((now, _maxId));
        while (_marks.Peek().At < now - LookBack) _floor = _marks.Dequeue().MaxId;
        return rows.Count;
    }

    private async Task PruneAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (now - _pruned < PruneEvery) return;
        _pruned = now;
        // Rows carry the wall-clock time of the instance that wrote them.
        var before = (DateTimeOffset.UtcNow - ChangeJournal.KeptFor).ToUnixTimeMilliseconds();
        await using var db = await contexts.CreateDbContextAsync(ct);
        using var turn = await db.Dialect.WriteTurnAsync(db, ct);
        await db.ChangeJournal.Where(r => r.AtMs < before).ExecuteDeleteAsync(ct);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the change journal failed; will try again")]
    private static partial void ReadFailed(ILogger logger, Exception exception);
}

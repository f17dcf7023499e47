using System.Collections.Concurrent;

namespace Lumen.Infrastructure.Changes;

/// <summary>
/// Which other processes' batches this instance has delivered, by journal row id, whichever path brought them first
/// (Redis or the journal reader): the other path then skips them, so each listener hears of each change once (§18).
/// An id is kept as long as its journal row (<see cref="ChangeJournal.KeptFor"/>), longer than either path can lag.
/// </summary>
internal sealed class DeliveredBatches(TimeProvider clock)
{
    private static readonly TimeSpan PruneEvery = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<long, DateTimeOffset> _ids = new();
    private readonly Lock _pruning = new();
    private DateTimeOffset _pruned = DateTimeOffset.MinValue;

    /// <summary>True the first time an id is offered, false ever after (while it is kept).</summary>
    public bool First(long id)
    {
        var now = clock.GetUtcNow();
        Prune(now);
        return _ids.TryAdd(id, now);
    }

    public int Count => _ids.Count;

    private void Prune(DateTimeOffset now)
    {
        if (now - _pruned < PruneEvery) return;
        lock (_pruning)
        {
            if (now - _pruned < PruneEvery) return;
            _pruned = now;
        }
        foreach (var (id, at) in _ids)
            if (now - at > ChangeJournal.KeptFor) _ids.TryRemove(id, out _);
    }
}

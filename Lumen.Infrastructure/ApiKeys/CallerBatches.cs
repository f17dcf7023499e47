namespace Lumen.Infrastructure.ApiKeys;

/// <summary>
/// On PostgreSQL, the key lookups of calls that arrive while others are at the database go together: one SELECT of
/// every public id waiting (<see cref="CallerSql.SelectMany"/>). A lookup of its own costs the server a wake-up, a
/// statement and a reply, which at load is more of its CPU than the charge; in a group they cost that once.
/// A lookup that finds fewer than <see cref="MaxRunning"/> groups running starts one at once, so an idle portal waits
/// for nothing. Every group is read after each of its calls arrived, so a revoked key or a deactivated client still
/// fails at once (§9); nothing is cached.
/// </summary>
internal sealed class CallerBatches(CallerConnections connections)
{
    /// <summary>
    /// How many groups may be at the database at once (each on its own connection): half the cores, at least one.
    /// Fewer groups at once make each carry more keys; on 2 cores one group at a time cost PostgreSQL about 15% less CPU
    /// per call than two, and gave two instances 20–30% more calls (bench/README.md).
    /// </summary>
    public static readonly int MaxRunning = Math.Max(1, Environment.ProcessorCount / 2);

    /// <summary>The most public ids one statement carries; the rest wait for the next group.</summary>
    public const int MaxGroup = 256;

    private readonly Lock _gate = new();
    private List<Waiting> _waiting = [];
    private int _running;
    private long _manyKeyGroups;

    /// <summary>How many groups so far carried more than one key (tests check that lookups did go together).</summary>
    internal long ManyKeyGroups => Interlocked.Read(ref _manyKeyGroups);

    /// <summary>The key with public id <paramref name="publicId"/>, its client and pool; null when no key has it.</summary>
    public Task<Caller?> FindAsync(string publicId, CancellationToken ct)
    {
        var waiting = new Waiting(publicId);
        bool start;
        lock (_gate)
        {
            _waiting.Add(waiting);
            start = _running < MaxRunning;
            if (start) _running++;
        }
        if (start) _ = RunAsync();
        return waiting.Done.Task.WaitAsync(ct);
    }

    /// <summary>Reads groups until none is waiting. A group's failure is each of its callers' failure.</summary>
    private async Task RunAsync()
    {
        while (Take() is { } group)
        {
            try
            {
                var ids = new HashSet<string>(StringComparer.Ordinal);
                foreach (var waiting in group) ids.Add(waiting.PublicId);
                // Not one caller's token: the group is everyone's. Each caller stops waiting on its own (WaitAsync).
                // One key (a busy client's calls) takes the one-key statement, whose plan is an index lookup at any size.
                if (ids.Count > 1) Interlocked.Increment(ref _manyKeyGroups);
                var found = ids.Count == 1
                    ? (await connections.FindAsync(group[0].PublicId, CancellationToken.None) is { } one ? [one] : [])
                    : await connections.FindManyAsync([.. ids], CancellationToken.None);
                var byId = new Dictionary<string, Caller>(found.Count, StringComparer.Ordinal);
                foreach (var caller in found) byId[caller.PublicId] = caller;
                foreach (var waiting in group) waiting.Done.TrySetResult(byId.GetValueOrDefault(waiting.PublicId));
            }
            catch (Exception e)
            {
                foreach (var waiting in group) waiting.Done.TrySetException(e);
            }
        }
    }

    private List<Waiting>? Take()
    {
        lock (_gate)
        {
            if (_waiting.Count == 0)
            {
                _running--;
                return null;
            }
            if (_waiting.Count <= MaxGroup)
            {
                var all = _waiting;
                _waiting = [];
                return all;
            }
            var first = _waiting.GetRange(0, MaxGroup);
            _waiting.RemoveRange(0, MaxGroup);
            return first;
        }
    }

    private sealed record Waiting(string PublicId)
    {
        public TaskCompletionSource<Caller?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

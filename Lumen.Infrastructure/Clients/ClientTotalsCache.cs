using System.Collections.Concurrent;
using System.Diagnostics;
using Lumen.Infrastructure.Changes;

namespace Lumen.Infrastructure.Clients;

/// <summary>
/// The summary cards' totals (§7), kept for up to a second per viewer scope: over 100,000 clients they are the one
/// full scan behind a page of the table, and paging, sorting or searching does not change them. Any client change
/// the feed delivers (usage, a config apply, a new client, managers, active; another instance's too, from the
/// journal) starts afresh at once.
/// </summary>
public sealed class ClientTotalsCache : IDisposable
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(1);

    // Scopes are "every client" and one per manager; past this many, start over rather than grow.
    private const int MaxScopes = 1000;

    private readonly IDisposable _subscription;
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private long _generation;

    public ClientTotalsCache(ChangeFeed feed) =>
        _subscription = feed.Subscribe(ChangeViewer.Portal, null, _ => Interlocked.Increment(ref _generation));

    /// <summary>The totals for <paramref name="managerEmail"/>'s clients (null: every client), from <paramref name="query"/> when not fresh.</summary>
    internal async Task<ClientTotalsRow> GetAsync(string? managerEmail, Func<Task<ClientTotalsRow>> query)
    {
        var scope = managerEmail ?? "";
        // Taken before the query: a change published while it runs leaves its result stale, so it is not reused.
        var generation = Volatile.Read(ref _generation);
        var started = Stopwatch.GetTimestamp();
        if (_entries.TryGetValue(scope, out var entry) && entry.Generation == generation
            && Stopwatch.GetElapsedTime(entry.Started, started) < MaxAge)
            return entry.Totals;
        var totals = await query();
        if (_entries.Count >= MaxScopes) _entries.Clear();
        _entries[scope] = new Entry(totals, generation, started);
        return totals;
    }

    public void Dispose() => _subscription.Dispose();

    private sealed record Entry(ClientTotalsRow Totals, long Generation, long Started);
}

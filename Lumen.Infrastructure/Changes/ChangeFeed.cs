using Lumen.Infrastructure.Clients;
using Lumen.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lumen.Infrastructure.Changes;

/// <summary>
/// The one change feed (§7, §18): use cases publish what they changed once it is committed; views, the hub and caches
/// subscribe with a viewer and a filter, and get each batch on the publisher's thread, cut down to the clients that
/// viewer may see (decided here and nowhere else). Every batch but a config load is also written to the change
/// journal, from which other processes (the command line, a second instance) pick it up, and, with Redis configured,
/// published there under its journal row id, so the other instances hear of it at once and still only once.
/// </summary>
public sealed partial class ChangeFeed
{
    /// <summary>Past this many changes of one kind in a batch, one general change stands for them (a 100,000-client save).</summary>
    public const int MaxNamed = 1000;

    private readonly LumenDatabase _contexts;
    private readonly ClientAccess _access;
    private readonly ILogger _logger;
    private readonly RedisChangeRelay? _relay;
    private readonly Lock _gate = new();
    private Subscription[] _subscriptions = [];

    public ChangeFeed(LumenDatabase contexts, ClientAccess access, ILogger<ChangeFeed>? logger = null, RedisChangeRelay? relay = null)
    {
        _contexts = contexts;
        _access = access;
        _logger = logger ?? NullLogger<ChangeFeed>.Instance;
        _relay = relay;
    }

    /// <summary>This process, as the journal names it: its own entries are not delivered twice.</summary>
    public string Instance { get; } = Guid.NewGuid().ToString("N");

    /// <summary>Other processes' batches delivered here, by journal id: shared by the Redis and the journal path.</summary>
    internal DeliveredBatches Delivered { get; } = new(TimeProvider.System);

    /// <summary>
    /// Listens until the result is disposed. <paramref name="onChanges"/> runs on the publisher's thread with the
    /// changes the viewer may see and <paramref name="relevant"/> keeps (never an empty list); it must be quick and
    /// marshal to its own context. One that throws is logged and does not stop the others.
    /// </summary>
    public IDisposable Subscribe(ChangeViewer viewer, Func<Change, bool>? relevant, Action<IReadOnlyList<Change>> onChanges)
    {
        var subscription = new Subscription(this, viewer, relevant ?? (_ => true), onChanges);
        lock (_gate) _subscriptions = [.. _subscriptions, subscription];
        return subscription;
    }

    public Task PublishAsync(Change change) => PublishAsync([change]);

    /// <summary>
    /// Delivers a committed batch here and journals it for other processes. Never throws for a failed journal write or
    /// visibility lookup: the change is made, and views catch up on the next one.
    /// </summary>
    public async Task PublishAsync(IReadOnlyList<Change> changes)
    {
        if (changes.Count == 0) return;
        var batch = Condense(changes);
        await JournalAsync(batch);
        await DeliverAsync(batch);
    }

    /// <summary>What other processes hear of: all but a config load (each instance loads its own file).</summary>
    private static List<Change> ForOthers(IReadOnlyList<Change> batch) => batch.Where(c => c.Kind != ChangeKind.ConfigLoaded).ToList();

    /// <summary>Delivers a batch another process journaled (the journal reader calls this).</summary>
    internal Task DeliverAsync(IReadOnlyList<Change> changes)
    {
        var subscriptions = Volatile.Read(ref _subscriptions);
        return changes.Count == 0 || subscriptions.Length == 0 ? Task.CompletedTask : DeliverAsync(changes, subscriptions);
    }

    private async Task DeliverAsync(IReadOnlyList<Change> changes, Subscription[] subscriptions)
    {
        var managed = await ManagersAsync(changes, subscriptions);
        foreach (var subscription in subscriptions)
        {
            var seen = changes.Where(c => Sees(subscription.Viewer, c, managed) && subscription.Relevant(c)).ToList();
            if (seen.Count == 0) continue;
            try
            {
                subscription.OnChanges(seen);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                SubscriberFailed(_logger, e);
            }
        }
    }

    /// <summary>
    /// §6 for changes: general ones reach everyone; a client's reach admins, that client's managers, and the person
    /// the change is about.
    /// </summary>
    private bool Sees(ChangeViewer viewer, Change change, IReadOnlyDictionary<string, IReadOnlySet<string>> managed)
    {
        if (change.IsGeneral || viewer.SeesEverything) return true;
        if (viewer.Person is not { } person) return false;
        if (_access.IsAdmin(person) || change.Concerns == person.NormalizedEmail) return true;
        return managed.TryGetValue(person.NormalizedEmail, out var theirs) && theirs.Contains(change.Client!);
    }

    /// <summary>Who manages the batch's clients: read only when someone listening is a manager (not an admin).</summary>
    private async Task<IReadOnlyDictionary<string, IReadOnlySet<string>>> ManagersAsync(IReadOnlyList<Change> changes, Subscription[] subscriptions)
    {
        var empty = new Dictionary<string, IReadOnlySet<string>>();
        if (!subscriptions.Any(s => s.Viewer.Person is { } p && !_access.IsAdmin(p))) return empty;
        var names = changes.Where(c => !c.IsGeneral).Select(c => c.Client!).Distinct(StringComparer.Ordinal).ToList();
        if (names.Count == 0) return empty;
        try
        {
            return await ClientVisibility.ManagersOfAsync(_contexts, names);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Managers miss this batch's client changes (their next refresh shows them); admins still hear of them.
            LookupFailed(_logger, e);
            return empty;
        }
    }

    private async Task JournalAsync(IReadOnlyList<Change> batch)
    {
        var journaled = ForOthers(batch);
        if (journaled.Count == 0) return;
        long? id = null;
        try
        {
            id = await ChangeJournal.AppendAsync(_contexts, Instance, journaled);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            JournalFailed(_logger, e);
        }
        // After the commit, so a reader that sees the Redis message first finds the row's id already taken.
        _relay?.Publish(Instance, id, journaled);
    }

    /// <summary>Each kind with more than <see cref="MaxNamed"/> changes becomes one general change of that kind.</summary>
    internal static IReadOnlyList<Change> Condense(IReadOnlyList<Change> changes)
    {
        if (changes.Count <= MaxNamed) return changes;
        var large = changes.Where(c => !c.IsGeneral).GroupBy(c => c.Kind).Where(g => g.Count() > MaxNamed).Select(g => g.Key).ToHashSet();
        if (large.Count == 0) return changes;
        var kept = changes.Where(c => c.IsGeneral || !large.Contains(c.Kind)).ToList();
        kept.AddRange(large.Order().Select(kind => Many(kind, changes.Where(c => c.Kind == kind && !c.IsGeneral).Select(c => c.Summary))));
        return kept;
    }

    /// <summary>
    /// The one general change that stands for many clients' changes of <paramref name="kind"/>, with these summaries.
    /// No count and no names: a manager hears of this change too, and must not learn of other clients. A config
    /// change that reads the same for all of them (a default entry's max, say) is said once.
    /// </summary>
    internal static Change Many(ChangeKind kind, IEnumerable<string> summaries)
    {
        var distinct = summaries.Distinct(StringComparer.Ordinal).Take(2).ToList();
        return new Change(null, kind, kind switch
        {
            ChangeKind.SettingsApplied => distinct.Count == 1 ? $"config applied to many clients: {distinct[0]}" : "config applied to many clients",
            ChangeKind.UsageChanged => "new usage for many clients",
            ChangeKind.Created => "many clients created",
            _ => "many clients changed",
        });
    }

    private void Unsubscribe(Subscription subscription)
    {
        lock (_gate) _subscriptions = _subscriptions.Where(s => !ReferenceEquals(s, subscription)).ToArray();
    }

    private sealed class Subscription(ChangeFeed feed, ChangeViewer viewer, Func<Change, bool> relevant, Action<IReadOnlyList<Change>> onChanges)
        : IDisposable
    {
        public ChangeViewer Viewer { get; } = viewer;
        public Func<Change, bool> Relevant { get; } = relevant;
        public Action<IReadOnlyList<Change>> OnChanges { get; } = onChanges;

        public void Dispose() => feed.Unsubscribe(this);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A subscriber to the change feed failed")]
    private static partial void SubscriberFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Looking up the managers of changed clients failed; managers' views miss this change")]
    private static partial void LookupFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing a change to the journal failed; other instances miss it")]
    private static partial void JournalFailed(ILogger logger, Exception exception);
}

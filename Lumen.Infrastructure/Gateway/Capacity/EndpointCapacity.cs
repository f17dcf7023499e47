using System.Collections.Concurrent;
using Lumen.Infrastructure.Gateway.Upstream;
using Microsoft.Extensions.Logging;

namespace Lumen.Infrastructure.Gateway.Capacity;

/// <summary>
/// Where a call gets its endpoint (§20). A model without <c>max_concurrent</c> anywhere goes straight to the router, as
/// before: no queue, no lock, no Redis. A capped model's calls go through its <see cref="ModelQueue"/>.
/// </summary>
public sealed class EndpointCapacity
{
    private readonly ConcurrentDictionary<string, ModelQueue> _queues = new(StringComparer.Ordinal);
    private readonly EndpointRouter _router;
    private readonly SlotTaker _slots;
    private readonly CapacityOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger _log;

    internal EndpointCapacity(EndpointRouter router, SharedSlots? shared, CapacityOptions options, TimeProvider clock, ILogger<EndpointCapacity> log)
    {
        _router = router;
        _slots = new SlotTaker(router, shared);
        _options = options;
        _clock = clock;
        _log = log;
    }

    /// <summary>Set once at registration: the metrics read the queues, and the queues record waits in them.</summary>
    internal CapacityMetrics Metrics { get; set; } = null!;

    /// <summary>Calls waiting for the model on this instance now.</summary>
    public int Waiting(string model) => _queues.TryGetValue(model, out var queue) ? queue.Waiting : 0;

    /// <summary>An endpoint for the call, after waiting for a slot when the model is capped and full.</summary>
    internal ValueTask<Taken> TakeAsync(AdmittedCall call, IReadOnlyCollection<EndpointStatus> tried, CancellationToken callerGone)
    {
        var model = call.Model;
        if (!model.IsCapped) return new(new Taken(_router.Take(model, tried), null));
        var queue = _queues.TryGetValue(model.Name, out var known) ? known
            : _queues.GetOrAdd(model.Name, name => new ModelQueue(name, _slots, _options, Metrics, _clock, _log));
        return queue.TakeAsync(call, tried, callerGone);
    }
}

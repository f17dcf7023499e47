using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Lumen.Domain.Models;

namespace Lumen.Infrastructure.Gateway.Upstream;

/// <summary>
/// Picks the endpoint a call goes to (§20): among the model's endpoints that take calls and that the call has not tried,
/// the one with the fewest calls in flight, ties in turn. The pick is a lease that counts the call in flight until disposed.
/// </summary>
public sealed class EndpointRouter(EndpointHealth health)
{
    // A turn per model: with one shared counter, calls to other models in between would skew (or pin) a model's rotation.
    private readonly ConcurrentDictionary<string, StrongBox<long>> _turns = new(StringComparer.Ordinal);

    /// <summary>The next endpoint for the call, or null when none that takes calls is left untried.</summary>
    public EndpointLease? Take(ModelDefinition model, IReadOnlyCollection<EndpointStatus> tried) =>
        Pick(model, tried, null) is { } best ? new EndpointLease(best) : null;

    /// <summary>
    /// The endpoint a call should go to: up, not tried, not in <paramref name="full"/>, with a free slot by this instance's
    /// count (always, without <c>max_concurrent</c>); the fewest in flight, ties in turn. Null when there is none.
    /// </summary>
    internal EndpointStatus? Pick(ModelDefinition model, IReadOnlyCollection<EndpointStatus> tried, IReadOnlyCollection<EndpointStatus>? full)
    {
        var count = model.Endpoints.Count;
        if (count == 0) return null;
        var turn = _turns.GetOrAdd(model.Name, static _ => new StrongBox<long>());
        var start = (int)((ulong)Interlocked.Increment(ref turn.Value) % (ulong)count);
        EndpointStatus? best = null;
        for (var i = 0; i < count; i++)
        {
            var candidate = health.Of(model.Name, model.Endpoints[(start + i) % count]);
            if (!candidate.TakesCalls || tried.Contains(candidate) || !candidate.HasRoom || full?.Contains(candidate) == true) continue;
            if (best is null || candidate.InFlight < best.InFlight) best = candidate;
        }
        return best;
    }

    /// <summary>Whether the model has an endpoint that takes calls and that the call has not tried, full or not.</summary>
    internal bool AnyToTry(ModelDefinition model, IReadOnlyCollection<EndpointStatus> tried)
    {
        foreach (var endpoint in model.Endpoints)
        {
            var status = health.Of(model.Name, endpoint);
            if (status.TakesCalls && !tried.Contains(status)) return true;
        }
        return false;
    }

    /// <summary>Whether any endpoint of the model takes calls now.</summary>
    public bool AnyUp(ModelDefinition model) => model.Endpoints.Any(e => health.Of(model.Name, e).TakesCalls);
}

/// <summary>
/// A call counted in flight at its endpoint until disposed (the end of its answer, stream included). A capped endpoint's
/// lease is a slot (§20): taken only while the endpoint has room, and given back to its owner, the model's queue, which
/// hands it to the next waiting call.
/// </summary>
public sealed class EndpointLease : IDisposable
{
    private readonly ISlotOwner? _owner;
    private int _disposed;

    internal EndpointLease(EndpointStatus endpoint)
    {
        Endpoint = endpoint;
        Interlocked.Increment(ref endpoint.InFlightValue);
    }

    private EndpointLease(EndpointStatus endpoint, ISlotOwner owner)
    {
        Endpoint = endpoint;
        _owner = owner;
    }

    public EndpointStatus Endpoint { get; }

    /// <summary>The slot's lease in Redis when slots are counted over all instances; null when counted here only.</summary>
    internal string? SharedId { get; set; }

    /// <summary>A slot of the endpoint if fewer than <paramref name="max"/> calls are in flight at it here, else null.</summary>
    internal static EndpointLease? TryEnter(EndpointStatus endpoint, int max, ISlotOwner owner)
    {
        var now = Volatile.Read(ref endpoint.InFlightValue);
        while (now < max)
        {
            var seen = Interlocked.CompareExchange(ref endpoint.InFlightValue, now + 1, now);
            if (seen == now) return new EndpointLease(endpoint, owner);
            now = seen;
        }
        return null;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        Interlocked.Decrement(ref Endpoint.InFlightValue);
        _owner?.Released(this);
    }

    /// <summary>Gives a slot back that was never used (another instance held the shared one): nobody is told.</summary>
    internal void Abandon()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0) Interlocked.Decrement(ref Endpoint.InFlightValue);
    }
}

/// <summary>Who hears that a slot was given back: the model's queue.</summary>
internal interface ISlotOwner
{
    void Released(EndpointLease lease);
}

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
    public EndpointLease? Take(ModelDefinition model, IReadOnlyCollection<EndpointStatus> tried)
    {
        var count = model.Endpoints.Count;
        if (count == 0) return null;
        var turn = _turns.GetOrAdd(model.Name, static _ => new StrongBox<long>());
        var start = (int)((ulong)Interlocked.Increment(ref turn.Value) % (ulong)count);
        EndpointStatus? best = null;
        for (var i = 0; i < count; i++)
        {
            var candidate = health.Of(model.Name, model.Endpoints[(start + i) % count]);
            if (!candidate.TakesCalls || tried.Contains(candidate)) continue;
            if (best is null || candidate.InFlight < best.InFlight) best = candidate;
        }
        return best is null ? null : new EndpointLease(best);
    }

    /// <summary>Whether any endpoint of the model takes calls now.</summary>
    public bool AnyUp(ModelDefinition model) => model.Endpoints.Any(e => health.Of(model.Name, e).TakesCalls);
}

/// <summary>A call counted in flight at its endpoint until disposed (the end of its answer, stream included).</summary>
public sealed class EndpointLease : IDisposable
{
    private int _disposed;

    internal EndpointLease(EndpointStatus endpoint)
    {
        Endpoint = endpoint;
        Interlocked.Increment(ref endpoint.InFlightValue);
    }

    public EndpointStatus Endpoint { get; }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0) Interlocked.Decrement(ref Endpoint.InFlightValue);
    }
}

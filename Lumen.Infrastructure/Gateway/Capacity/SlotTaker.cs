using Lumen.Domain.Models;
using Lumen.Infrastructure.Gateway.Upstream;

namespace Lumen.Infrastructure.Gateway.Capacity;

/// <summary>
/// Takes a slot of a capped model's endpoints (§20): the endpoint the router picks among those with room here, and,
/// with Redis, one of the endpoint's leases over all instances too. An endpoint another instance has filled is passed
/// over for the next one. Without Redis, or while it is down, this instance's own count is the cap.
/// </summary>
internal sealed class SlotTaker(EndpointRouter router, SharedSlots? shared)
{
    /// <summary>How often waiting calls look for a slot nobody here announced (freed by another instance, an endpoint back up).</summary>
    public TimeSpan RetryInterval => shared is null ? TimeSpan.FromMilliseconds(500) : TimeSpan.FromMilliseconds(100);

    public bool AnyToTry(ModelDefinition model, IReadOnlyCollection<EndpointStatus> tried) => router.AnyToTry(model, tried);

    /// <summary>A slot, or null when every endpoint the call may try is full.</summary>
    public async ValueTask<EndpointLease?> TryTakeAsync(ModelDefinition model, IReadOnlyCollection<EndpointStatus> tried, ISlotOwner owner)
    {
        List<EndpointStatus>? full = null;
        while (router.Pick(model, tried, full) is { } endpoint)
        {
            // An endpoint without a cap in a model with capped ones: always room, nothing to share.
            if (endpoint.Endpoint.MaxConcurrent is not { } max) return new EndpointLease(endpoint);
            var lease = EndpointLease.TryEnter(endpoint, max, owner);
            if (lease is not null && (shared is null || await shared.TryTakeAsync(lease, max))) return lease;
            // Filled by another call here since the pick, or by other instances.
            lease?.Abandon();
            (full ??= []).Add(endpoint);
        }
        return null;
    }

    public void Released(EndpointLease lease) => shared?.Release(lease);
}

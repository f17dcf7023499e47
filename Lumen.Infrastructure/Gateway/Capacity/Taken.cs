using Lumen.Infrastructure.Gateway.Upstream;

namespace Lumen.Infrastructure.Gateway.Capacity;

/// <summary>
/// What asking for an endpoint came back with: a lease on one, or why not: no endpoint left to try (<see cref="Stop"/>
/// null), or a refusal or the caller's leaving while it waited (<see cref="Stop"/>). A struct, so a call that takes a
/// slot at once allocates nothing for it.
/// </summary>
internal readonly record struct Taken(EndpointLease? Lease, GatewayError? Stop)
{
    public static Taken Nothing => default;
}

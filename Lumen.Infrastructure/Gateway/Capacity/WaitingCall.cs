using Lumen.Infrastructure.Gateway.Upstream;

namespace Lumen.Infrastructure.Gateway.Capacity;

/// <summary>
/// A call waiting in its model's queue for a slot: completed with a lease when served, or with null when it gave up
/// (the caller left, or its time in the queue ran out). Its state changes only under the queue's lock.
/// </summary>
internal sealed class WaitingCall(AdmittedCall call, IReadOnlyCollection<EndpointStatus> tried)
{
    // Continuations run on the pool: the queue's pump, which serves the call, must not run the caller's answer inline.
    private readonly TaskCompletionSource<EndpointLease?> _served = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public AdmittedCall Call { get; } = call;
    public IReadOnlyCollection<EndpointStatus> Tried { get; } = tried;

    /// <summary>Its place in its client's line while it waits; null once it left the line.</summary>
    public LinkedListNode<WaitingCall>? Place { get; set; }

    public Task<EndpointLease?> Served => _served.Task;

    /// <summary>Hands the call its slot; false (and the slot stays the caller's to give back) if it has already ended.</summary>
    public bool Serve(EndpointLease lease) => _served.TrySetResult(lease);

    public void GiveUp() => _served.TrySetResult(null);
}

/// <summary>One client's calls waiting for a model, oldest first, and the client's place in the turns.</summary>
internal sealed class ClientLine(int client)
{
    public int Client { get; } = client;
    public LinkedList<WaitingCall> Calls { get; } = new();
    public LinkedListNode<ClientLine>? Turn { get; set; }
}

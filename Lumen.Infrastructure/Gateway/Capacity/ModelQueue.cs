using System.Diagnostics;
using Lumen.Infrastructure.Gateway.Upstream;
using Microsoft.Extensions.Logging;

namespace Lumen.Infrastructure.Gateway.Capacity;

/// <summary>
/// One capped model's queue (§20). A call takes a slot at once when nobody waits and one is free; otherwise it waits in
/// its client's line. Clients are served in turn (the one just served goes to the back), each client's calls oldest
/// first, so a client with one call waiting goes before the second call of a client with a hundred. A slot given back
/// wakes the pump, which hands free slots to the calls whose turn it is. The pump also runs on a short timer while
/// calls wait and none could be served: slots freed by other instances (Redis) or endpoints coming back tell nobody here.
/// </summary>
internal sealed partial class ModelQueue(string model, SlotTaker slots, CapacityOptions options, CapacityMetrics metrics,
    TimeProvider clock, ILogger log) : ISlotOwner
{
    private readonly Lock _gate = new();
    private readonly Dictionary<int, ClientLine> _lines = [];
    private readonly LinkedList<ClientLine> _turns = new();
    private int _waiting;
    private int _pumping;
    private int _again;
    private int _retryArmed;

    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>
    /// A slot for the call, waiting for one within what is left of <see cref="CapacityOptions.QueueTime"/> since the call
    /// arrived. A call that failed over (it has <paramref name="tried"/> endpoints) goes to the front of its client's line.
    /// </summary>
    public async ValueTask<Taken> TakeAsync(AdmittedCall call, IReadOnlyCollection<EndpointStatus> tried, CancellationToken callerGone)
    {
        if (!slots.AnyToTry(call.Model, tried)) return Taken.Nothing;
        var arrived = Stopwatch.GetTimestamp();
        // Nobody ahead: no line to join. With calls waiting, a newcomer never takes a slot before them.
        if (Waiting == 0 && await slots.TryTakeAsync(call.Model, tried, this) is { } now)
        {
            metrics.Waited(model, Stopwatch.GetElapsedTime(arrived));
            return new Taken(now, null);
        }
        var waiting = new WaitingCall(call, tried);
        if (Join(waiting) is { } refused) return new Taken(null, refused);
        Kick(); // a slot may have come free between the attempt above and joining

        var left = call.Started + options.QueueTime - clock.GetUtcNow();
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(callerGone);
        bounded.CancelAfter(left > TimeSpan.Zero ? left : TimeSpan.Zero);
        EndpointLease? lease;
        using (bounded.Token.UnsafeRegister(static state => { var (queue, w) = ((ModelQueue, WaitingCall))state!; queue.Leave(w); }, (this, waiting)))
            lease = await waiting.Served;
        metrics.Waited(model, Stopwatch.GetElapsedTime(arrived));
        // Served as the caller left: the slot goes back rather than to a call nobody waits for.
        if (lease is not null && callerGone.IsCancellationRequested)
        {
            lease.Dispose();
            lease = null;
        }
        if (lease is not null) return new Taken(lease, null);
        // Left before reaching a model: nothing to charge (§20), and the place is free for the calls behind.
        return new Taken(null, callerGone.IsCancellationRequested ? GatewayError.ClientClosed
            : GatewayError.ModelOverloaded(model, $"every endpoint stayed full for {options.QueueTime.TotalSeconds:0.###} s", options.RetryAfter));
    }

    void ISlotOwner.Released(EndpointLease lease)
    {
        slots.Released(lease);
        if (Waiting > 0) Kick();
    }

    private GatewayError? Join(WaitingCall waiting)
    {
        var call = waiting.Call;
        lock (_gate)
        {
            if (!_lines.TryGetValue(call.ClientId, out var line))
            {
                line = new ClientLine(call.ClientId);
                _lines.Add(call.ClientId, line);
            }
            if (line.Calls.Count >= options.MaxWaitingPerClient)
            {
                return GatewayError.ModelOverloaded(model,
                    $"client '{call.ClientName}' already has {line.Calls.Count} calls waiting for it, the most allowed", options.RetryAfter);
            }
            // A call back from a failed endpoint was the oldest of its client's: it keeps that place.
            waiting.Place = waiting.Tried.Count > 0 ? line.Calls.AddFirst(waiting) : line.Calls.AddLast(waiting);
            line.Turn ??= _turns.AddLast(line);
            _waiting++;
        }
        return null;
    }

    /// <summary>The caller left or its time ran out: out of the line, unless it was served first.</summary>
    private void Leave(WaitingCall waiting)
    {
        lock (_gate)
        {
            if (waiting.Place is null) return;
            Remove(waiting, served: false);
        }
        waiting.GiveUp();
    }

    /// <summary>
    /// Takes the call out of its line (under the lock). A client just served goes to the back of the turns; one whose
    /// call left keeps its place. A client with nothing left waiting leaves the turns.
    /// </summary>
    private void Remove(WaitingCall waiting, bool served)
    {
        var line = _lines[waiting.Call.ClientId];
        line.Calls.Remove(waiting.Place!);
        waiting.Place = null;
        _waiting--;
        if (line.Calls.Count == 0)
        {
            _turns.Remove(line.Turn!);
            line.Turn = null;
            _lines.Remove(line.Client);
        }
        else if (served)
        {
            _turns.Remove(line.Turn!);
            line.Turn = _turns.AddLast(line);
        }
    }

    private void Kick()
    {
        Volatile.Write(ref _again, 1);
        if (Interlocked.CompareExchange(ref _pumping, 1, 0) == 0) _ = PumpAsync();
    }

    /// <summary>Serves waiting calls while slots are free; one pump at a time, run again if kicked meanwhile.</summary>
    private async Task PumpAsync()
    {
        var starved = false;
        try
        {
            do
            {
                Volatile.Write(ref _again, 0);
                starved = await ServeAsync();
                Volatile.Write(ref _pumping, 0);
            }
            while (Volatile.Read(ref _again) == 1 && Interlocked.CompareExchange(ref _pumping, 1, 0) == 0);
        }
        catch (Exception e)
        {
            // A fault here must not strand the waiting calls: the timer tries again.
            LogPumpFailed(log, e, model);
            Volatile.Write(ref _pumping, 0);
            starved = true;
        }
        if (starved) ArmRetry();
    }

    /// <summary>
    /// True when calls are left waiting with no slot for them. Each client's oldest call is asked in turn; a call back
    /// from a failed endpoint may not use the one that is free, so the next client's is asked then. Calls that tried no
    /// endpoint all see the same ones: when one of them finds none free, the others are not asked.
    /// </summary>
    private async Task<bool> ServeAsync()
    {
        while (true)
        {
            List<WaitingCall> heads;
            lock (_gate)
            {
                heads = new List<WaitingCall>(_turns.Count);
                foreach (var line in _turns) heads.Add(line.Calls.First!.Value);
            }
            if (heads.Count == 0) return false;
            if (!await ServeFirstAsync(heads)) return true;
        }
    }

    /// <summary>Hands a slot to the first of <paramref name="heads"/> that can take one; false when none could.</summary>
    private async Task<bool> ServeFirstAsync(List<WaitingCall> heads)
    {
        var plainFull = false;
        foreach (var next in heads)
        {
            if (next.Tried.Count == 0 && plainFull) continue;
            var lease = await slots.TryTakeAsync(next.Call.Model, next.Tried, this);
            if (lease is null)
            {
                plainFull |= next.Tried.Count == 0;
                continue;
            }
            bool served;
            lock (_gate)
            {
                served = next.Place is not null;
                if (served) Remove(next, served: true);
            }
            // Gone meanwhile (left, or timed out): the slot goes to whoever is next.
            if (!served || !next.Serve(lease)) lease.Dispose();
            return true;
        }
        return false;
    }

    private void ArmRetry()
    {
        if (Interlocked.CompareExchange(ref _retryArmed, 1, 0) != 0) return;
        _ = RetryAsync();
    }

    private async Task RetryAsync()
    {
        await Task.Delay(slots.RetryInterval, clock);
        Volatile.Write(ref _retryArmed, 0);
        if (Waiting > 0) Kick();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Model {Model}: serving its queue failed")]
    private static partial void LogPumpFailed(ILogger logger, Exception e, string model);
}

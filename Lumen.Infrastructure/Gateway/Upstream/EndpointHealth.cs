using System.Collections.Concurrent;
using System.Threading.Channels;
using Lumen.Domain.Models;

namespace Lumen.Infrastructure.Gateway.Upstream;

/// <summary>An endpoint's health (§20): <c>Unknown</c> until first probed, and then treated as up.</summary>
public enum EndpointState
{
    Unknown,
    Up,
    Down,
}

/// <summary>
/// The health of every endpoint of every model on this instance, in memory (§20): what the calls and the probes saw,
/// and the calls in flight. Kept per model and endpoint (a server two models share is two endpoints), so a reload that
/// leaves an endpoint as it was keeps its state. A state change is published to <see cref="ModelStateNotifier"/>.
/// </summary>
public sealed class EndpointHealth(ModelStateNotifier notifier, TimeProvider clock)
{
    /// <summary>Calls in a row that could not connect or got 502/503/504 before an endpoint is marked down (§20).</summary>
    public const int FailuresToDown = 3;

    private readonly ConcurrentDictionary<(string Model, ModelEndpoint Endpoint), EndpointStatus> _all = new();
    private readonly Channel<EndpointStatus> _probesWanted = Channel.CreateUnbounded<EndpointStatus>(new() { SingleReader = true });
    private long _nextRound = DateTimeOffset.MinValue.UtcTicks;

    /// <summary>The endpoint's status, created as <see cref="EndpointState.Unknown"/> on first sight.</summary>
    public EndpointStatus Of(string model, ModelEndpoint endpoint) =>
        _all.TryGetValue((model, endpoint), out var status) ? status
        : _all.GetOrAdd((model, endpoint), static key => new EndpointStatus(key.Model, key.Endpoint));

    /// <summary>When the prober's next round starts: what <c>Retry-After</c> says when every endpoint is down.</summary>
    public DateTimeOffset NextRound
    {
        get => new(Interlocked.Read(ref _nextRound), TimeSpan.Zero);
        internal set => Interlocked.Exchange(ref _nextRound, value.UtcTicks);
    }

    /// <summary>Endpoints a call asked to have probed now (a 500); read by the prober.</summary>
    internal ChannelReader<EndpointStatus> ProbesWanted => _probesWanted.Reader;

    /// <summary>A call could not reach the endpoint, or it answered 502, 503 or 504.</summary>
    public void CallFailed(EndpointStatus endpoint, string error)
    {
        endpoint.LastError = error;
        if (Interlocked.Increment(ref endpoint.FailuresInARow) >= FailuresToDown) _ = Set(endpoint, EndpointState.Down);
    }

    /// <summary>A call got a 500: one caller's request may cause that, so it only asks for a probe (§20).</summary>
    public void CallErred(EndpointStatus endpoint)
    {
        endpoint.Answered();
        _probesWanted.Writer.TryWrite(endpoint);
    }

    /// <summary>A probe's verdict (<paramref name="error"/> null for up); true when it changed the state.</summary>
    public bool Probed(EndpointStatus endpoint, string? error)
    {
        endpoint.LastProbed = clock.GetUtcNow();
        if (error is not null) endpoint.LastError = error;
        else endpoint.Answered();
        return Set(endpoint, error is null ? EndpointState.Up : EndpointState.Down);
    }

    /// <summary>Forgets endpoints no longer in the config (after a reload), so the map does not grow with every edit.</summary>
    internal void Retain(IReadOnlySet<(string Model, ModelEndpoint Endpoint)> current)
    {
        foreach (var key in _all.Keys)
        {
            if (!current.Contains(key)) _all.TryRemove(key, out _);
        }
    }

    private bool Set(EndpointStatus endpoint, EndpointState state)
    {
        if ((EndpointState)Interlocked.Exchange(ref endpoint.StateValue, (int)state) == state) return false;
        notifier.Publish(endpoint.Model);
        return true;
    }
}

/// <summary>One endpoint of one model as this instance sees it. Written by calls and probes on any thread.</summary>
public sealed class EndpointStatus(string model, ModelEndpoint endpoint)
{
    internal int StateValue;
    internal int FailuresInARow;
    internal int InFlightValue;
    private long _lastProbedTicks;
    private volatile string? _lastError;

    public string Model { get; } = model;
    public ModelEndpoint Endpoint { get; } = endpoint;
    public EndpointState State => (EndpointState)Volatile.Read(ref StateValue);

    /// <summary>Up or not probed yet: calls may go to it.</summary>
    public bool TakesCalls => State != EndpointState.Down;

    /// <summary>Calls in flight at this endpoint from this instance.</summary>
    public int InFlight => Volatile.Read(ref InFlightValue);

    /// <summary>Fewer calls in flight here than its <c>max_concurrent</c>, or no cap.</summary>
    public bool HasRoom => Endpoint.MaxConcurrent is not { } max || InFlight < max;

    /// <summary>What last went wrong, in our words (never the server's text, which may hold a secret).</summary>
    public string? LastError
    {
        get => _lastError;
        internal set => _lastError = value;
    }

    /// <summary>A call got an answer that says nothing against the server: the run of failures is broken.</summary>
    public void Answered() => Volatile.Write(ref FailuresInARow, 0);

    public DateTimeOffset? LastProbed
    {
        get => Interlocked.Read(ref _lastProbedTicks) is var t and > 0 ? new DateTimeOffset(t, TimeSpan.Zero) : null;
        internal set => Interlocked.Exchange(ref _lastProbedTicks, value?.UtcTicks ?? 0);
    }
}

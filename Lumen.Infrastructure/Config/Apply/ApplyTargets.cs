using Lumen.Domain.Clients;
using Lumen.Domain.Config;
using Lumen.Infrastructure.Persistence;

namespace Lumen.Infrastructure.Config.Apply;

/// <summary>
/// What each client gets from the config (§2.1): its named entry, else the one setting shared by every client
/// without one; resolved once each, with the clients that must change collected per target.
/// </summary>
internal sealed class ApplyTargets(LumenConfig config)
{
    private readonly Dictionary<string, ApplyTarget> _named = new(StringComparer.Ordinal);

    /// <summary>The clients without a named entry.</summary>
    public ApplyTarget Unnamed { get; } = new(AppliedSettings.From(config.Clients.Unnamed));

    public IEnumerable<ApplyTarget> All => _named.Values.Append(Unnamed);

    public ApplyTarget For(string name)
    {
        var clientName = ClientName.Create(name);
        if (!config.Clients.HasNamedEntry(clientName)) return Unnamed;
        if (!_named.TryGetValue(name, out var target))
            _named[name] = target = new ApplyTarget(AppliedSettings.From(config.Clients.Resolve(clientName)));
        return target;
    }
}

/// <summary>One target's settings, the columns they are written as, and the clients this apply writes them to.</summary>
internal sealed class ApplyTarget
{
    public ApplyTarget(AppliedSettings after)
    {
        After = after;
        PoolMapping.SetAccess(Shape, after);
    }

    public AppliedSettings After { get; }

    /// <summary>The columns as <see cref="PoolMapping.SetAccess"/> writes them for <see cref="After"/>.</summary>
    public ClientRow Shape { get; } = new();

    /// <summary>Clients whose access columns this apply writes.</summary>
    public List<int> AccessChanged { get; } = [];

    /// <summary>Pools this apply gives the target's budget.</summary>
    public List<int> BudgetChanged { get; } = [];

    /// <summary>Whether the client's access columns are exactly what applying this target writes.</summary>
    public bool HasAccessOf(ClientRow client) =>
        client.SettingsSource == Shape.SettingsSource && client.AccessDefault == Shape.AccessDefault
        && client.Blacklist.SequenceEqual(Shape.Blacklist, StringComparer.Ordinal)
        && client.Whitelist.SequenceEqual(Shape.Whitelist, StringComparer.Ordinal)
        && client.Graylist.SequenceEqual(Shape.Graylist, StringComparer.Ordinal);

    /// <summary>
    /// Whether the client's columns are exactly what applying this target writes: the common case, decided
    /// without building its settings. Anything else is compared as settings (equal sets in another order, say).
    /// </summary>
    public bool IsAppliedTo(ClientRow client) =>
        HasAccessOf(client)
        && client.Pool.MaxMicros == After.Budget.Max.Micros
        && client.Pool.RefreshMicrosPerHour == After.Budget.RefreshPerHour.Micros
        && client.Pool.StartingMicros == After.Budget.Starting.Micros;
}

using Lumen.Domain.Config;

namespace Lumen.Infrastructure.Config;

/// <summary>
/// The config file as the portal currently sees it: the latest load result and the configuration in force.
/// A singleton; the file watcher calls <see cref="Apply"/> and then announces the load on the change feed
/// (<see cref="Changes.Change.ConfigLoaded"/>), which is what open views listen to.
/// </summary>
public sealed class ConfigState
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _clock;
    private Snapshot _snapshot;

    public ConfigState(string path, ConfigLoadResult initial, TimeProvider? clock = null)
    {
        Path = path;
        _clock = clock ?? TimeProvider.System;
        var now = _clock.GetUtcNow();
        _snapshot = new Snapshot(initial, initial.IsValid ? initial.Config : null, now, initial.IsValid ? now : null);
    }

    /// <summary>Reads <paramref name="path"/> now.</summary>
    public static ConfigState Load(string path, TimeProvider? clock = null) =>
        new(path, ConfigLoader.LoadFile(path), clock);

    /// <summary>The absolute path of the config file.</summary>
    public string Path { get; }

    /// <summary>The outcome of the most recent load, valid or not (its errors and warnings are what admins see).</summary>
    public ConfigLoadResult Latest => Volatile.Read(ref _snapshot).Latest;

    /// <summary>
    /// The configuration in force: the latest valid one. A rejected file changes nothing (SPEC §2.2),
    /// so after a bad save this is still the last good config; null if no load has succeeded yet.
    /// </summary>
    public LumenConfig? InForce => Volatile.Read(ref _snapshot).InForce;

    /// <summary>When <see cref="Latest"/> was loaded.</summary>
    public DateTimeOffset LoadedAt => Volatile.Read(ref _snapshot).LoadedAt;

    /// <summary>When the configuration in force was loaded (the last good save); null if none is.</summary>
    public DateTimeOffset? InForceSince => Volatile.Read(ref _snapshot).InForceSince;

    /// <summary>Reads the file again and applies the result.</summary>
    public void Reload() => Apply(ConfigLoader.LoadFile(Path));

    /// <summary>Records a new load result; only a valid one replaces the configuration in force.</summary>
    public void Apply(ConfigLoadResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        lock (_gate)
        {
            var now = _clock.GetUtcNow();
            var next = result.IsValid
                ? new Snapshot(result, result.Config, now, now)
                : _snapshot with { Latest = result, LoadedAt = now };
            Volatile.Write(ref _snapshot, next);
        }
    }

    // One immutable snapshot, swapped whole, so readers never see a result paired with another load's config.
    private sealed record Snapshot(ConfigLoadResult Latest, LumenConfig? InForce, DateTimeOffset LoadedAt, DateTimeOffset? InForceSince);
}

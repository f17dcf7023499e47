using System.Diagnostics.Metrics;
using Lumen.Infrastructure.Config;

namespace Lumen.Portal.Operations;

/// <summary>
/// The portal's own <c>lumen.*</c> instruments (§19) beside the gateway's and the ledger's: config reloads by result
/// (from the watcher's reports) and the live views open (<see cref="LiveViewCount"/>).
/// </summary>
public sealed class PortalMetrics : IDisposable
{
    public const string MeterName = "Lumen.Portal";
    public const string ConfigReloads = "lumen.config.reloads";
    public const string LiveViews = "lumen.live.views";

    private readonly ConfigWatcher _watcher;
    private readonly Counter<long> _reloads;

    public PortalMetrics(IMeterFactory meters, ConfigWatcher watcher)
    {
        var meter = meters.Create(MeterName);
        _reloads = meter.CreateCounter<long>(ConfigReloads, "{reload}", "Config file reloads that found new content, by result");
        meter.CreateObservableUpDownCounter(LiveViews, () => LiveViewCount.Open, "{view}", "Live views (open pages) subscribed to changes");
        _watcher = watcher;
        watcher.Reloaded += OnReloaded;
    }

    private void OnReloaded(ConfigReload reload) =>
        _reloads.Add(1, new KeyValuePair<string, object?>("lumen.result", reload.Sync is not null ? "applied" : "rejected"));

    public void Dispose() => _watcher.Reloaded -= OnReloaded;
}

/// <summary>How many live views are open in this process (counted by <c>LiveChanges</c>, which pages make themselves).</summary>
public static class LiveViewCount
{
    private static long _open;

    public static long Open => Interlocked.Read(ref _open);

    public static void Opened() => Interlocked.Increment(ref _open);

    public static void Closed() => Interlocked.Decrement(ref _open);
}

using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Hosting;
using Lumen.Infrastructure.Changes;
using Lumen.Domain.Text;
using Microsoft.Extensions.Logging;

using Lumen.Infrastructure.Notifications;

namespace Lumen.Infrastructure.Config;

/// <summary>How the watcher waits: for writes to settle, and between fallback checks of the file.</summary>
public sealed record ConfigWatcherOptions(TimeSpan SettleTime, TimeSpan PollInterval)
{
    public static readonly ConfigWatcherOptions Default = new(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(2));
}

/// <summary>The outcome of one reload: the file as read, and what applying it did (null when it was rejected).</summary>
public sealed record ConfigReload(ConfigLoadResult Result, SyncReport? Sync);

/// <summary>
/// Watches the config file (§11) and applies each settled save. Saves in place and editors that write a temporary
/// file and rename it over the original both raise events on the folder; a burst of writes is applied once, after
/// the file has been quiet for the settle time. A periodic check of the file's content catches anything the
/// file-system events miss and retries an apply that failed. A rejected file changes nothing in force.
/// Each load is announced on the change feed after the clients are written, in the same batch as their changes, so
/// a view refreshes once and shows both.
/// </summary>
public sealed partial class ConfigWatcher(
    ConfigState state, ConfigSync sync, ChangeFeed feed, ConfigWatcherOptions options, ILogger<ConfigWatcher> logger, Notifier? notifier = null)
    : BackgroundService
{
    private readonly SemaphoreSlim _signal = new(0);
    // One reload at a time: the hashes below decide "new content?", and overlapping reloads would each apply the save.
    private readonly SemaphoreSlim _reloading = new(1, 1);
    private string? _appliedHash;
    private string? _seenHash;

    /// <summary>Raised after each reload that found new content (tests and diagnostics listen).</summary>
    public event Action<ConfigReload>? Reloaded;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var folder = Path.GetDirectoryName(state.Path)!;
        var file = Path.GetFileName(state.Path);
        using var watcher = new FileSystemWatcher(folder)
        {
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
            IncludeSubdirectories = false,
        };
        void OnEvent(object? _, FileSystemEventArgs e)
        {
            if (string.Equals(e.Name, file, StringComparison.Ordinal) ||
                (e is RenamedEventArgs r && string.Equals(r.OldName, file, StringComparison.Ordinal)))
                _signal.Release();
        }
        watcher.Changed += OnEvent;
        watcher.Created += OnEvent;
        watcher.Deleted += OnEvent;
        watcher.Renamed += OnEvent;
        watcher.Error += (_, e) => { WatchError(logger, e.GetException()); _signal.Release(); };
        watcher.EnableRaisingEvents = true;

        // Which file is in force is the first thing an operator needs (a relative path depends on where it started).
        Watching(logger, state.Path);
        await ReloadAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _signal.WaitAsync(options.PollInterval, stoppingToken);
                // Let the burst settle: keep waiting while events keep coming.
                while (await _signal.WaitAsync(options.SettleTime, stoppingToken))
                {
                }
                await ReloadAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
        }
    }

    /// <summary>Reads the file; if its content is new, validates it and applies it when valid. Calls are serialized.</summary>
    public async Task ReloadAsync(CancellationToken ct = default)
    {
        await _reloading.WaitAsync(ct);
        try
        {
            await ReloadOnceAsync(ct);
        }
        finally
        {
            _reloading.Release();
        }
    }

    private async Task ReloadOnceAsync(CancellationToken ct)
    {
        string text;
        try
        {
            text = await ConfigFileText.ReadAsync(state.Path, ct);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Missing for a moment while an editor replaces it, unreadable or too large: report once, keep the last good config.
            var missing = ConfigLoadResult.Invalid([new ConfigIssue(0, 0, $"Cannot read {state.Path}: {e.Message}")]);
            var seen = "unreadable: " + e.Message;
            if (_seenHash != seen)
            {
                _seenHash = seen;
                state.Apply(missing);
                await feed.PublishAsync(Change.ConfigLoaded("config file unreadable"));
                Reloaded?.Invoke(new ConfigReload(missing, null));
            }
            return;
        }

        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
        if (hash == _seenHash && hash == _appliedHash) return;
        var firstSight = hash != _seenHash;
        _seenHash = hash;
        var result = ConfigLoader.Parse(text);
        if (!result.IsValid)
        {
            if (firstSight)
            {
                Rejected(logger, state.Path, result.Errors.Count);
                state.Apply(result);
                await RecordRejectionAsync(hash, result.Errors, ct);
                await feed.PublishAsync(Change.ConfigLoaded("config file rejected"));
                Reloaded?.Invoke(new ConfigReload(result, null));
            }
            return;
        }

        state.Apply(result);
        try
        {
            var report = await sync.ApplyAsync(result.Config!, Change.ConfigLoaded("config file applied"), ct);
            _appliedHash = hash;
            int changed = report.Changed, skipped = report.SkippedEntries.Count;
            var (clients, entries) = (Counted.Noun(changed, "client", "clients"), Counted.Noun(skipped, "entry", "entries"));
            Applied(logger, changed, clients, skipped, entries);
            Reloaded?.Invoke(new ConfigReload(result, report));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The database may be down for a moment: the next periodic check retries, since nothing was marked applied.
            ApplyFailed(logger, e);
            await feed.PublishAsync(Change.ConfigLoaded("config file in force; applying it to the clients failed"));
        }
    }

    private async Task RecordRejectionAsync(string hash, IReadOnlyList<ConfigIssue> errors, CancellationToken ct)
    {
        try
        {
            // Admins of the config still in force hear of it (the rejected file's own list is not to be trusted).
            var notice = notifier is { Enabled: true } ? notifier.ConfigRejected(state.Path, hash, errors.Count, errors.Count > 0 ? errors[0].ToString() : null) : null;
            await sync.RecordRejectedAsync(hash, errors, notice, state.InForce?.Admins, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The database may be down: the rejection still stands and admins still see the banner; only its audit
            // entry is missing, and the log says so.
            RejectionNotRecorded(logger, e);
        }
    }

    public override void Dispose()
    {
        _signal.Dispose();
        _reloading.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Config file {Path} rejected with {Count} error(s); the last good config stays in force")]
    private static partial void Rejected(ILogger logger, string path, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Config file {Path} loaded; watching it for changes")]
    private static partial void Watching(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Config applied: {Changed} {Clients} changed, {Skipped} named {Entries} skipped (no such client yet)")]
    private static partial void Applied(ILogger logger, int changed, string clients, int skipped, string entries);

    [LoggerMessage(Level = LogLevel.Error, Message = "Applying the config to the database failed; will retry")]
    private static partial void ApplyFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Recording the rejected config file in the audit trail failed")]
    private static partial void RejectionNotRecorded(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The config file watcher reported an error; checking the file")]
    private static partial void WatchError(ILogger logger, Exception exception);
}

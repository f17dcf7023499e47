using Lumen.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Lumen.Infrastructure.RequestLog;

/// <summary>
/// How long request-log rows are kept (§16, <c>Lumen:RequestLog:RetentionDays</c>, default 90; zero or less keeps them
/// for ever) and how the older ones are deleted: <see cref="BatchSize"/> rows per statement, <see cref="Pause"/> between
/// two, every <see cref="Every"/>.
/// </summary>
public sealed record RequestLogRetentionOptions(int RetentionDays, TimeSpan Every, int BatchSize, TimeSpan Pause)
{
    public const string Setting = "Lumen:RequestLog:RetentionDays";

    public static readonly RequestLogRetentionOptions Default = new(90, TimeSpan.FromHours(1), 2_000, TimeSpan.FromMilliseconds(200));

    public bool KeepsForever => RetentionDays <= 0;

    public static RequestLogRetentionOptions FromConfiguration(IConfiguration configuration) =>
        Default with { RetentionDays = configuration.GetValue(Setting, Default.RetentionDays) };
}

/// <summary>
/// Deletes request-log rows older than the retention, a small batch per statement, so the charge path's inserts never
/// wait long behind it. Only the log: counters, hourly usage and the audit trail are other tables and are kept. Each
/// batch's transaction first takes a lock that only one instance can hold (PostgreSQL's transaction-scoped advisory
/// lock, SQL Server's <c>sp_getapplock</c>; SQLite has one writer anyway), so instances never delete side by side: the
/// one that does not get it leaves the round to the one that did.
/// </summary>
public sealed partial class RequestLogRetention(
    LumenDatabase contexts, RequestLogRetentionOptions options, TimeProvider clock, ILogger<RequestLogRetention> logger)
    : BackgroundService
{
    /// <summary>The advisory lock's key on PostgreSQL ("lumenrlr"), and its resource name on SQL Server.</summary>
    internal const long LockKey = 0x6C756D656E726C72;
    private const string LockName = "lumen.request_log.retention";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.KeepsForever)
        {
            KeptForever(logger, RequestLogRetentionOptions.Setting);
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PruneAsync(stoppingToken);
                await Task.Delay(options.Every, clock, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                PruneFailed(logger, e); // the database may be down for a moment: try again next round
                await Task.Delay(options.Every, clock, stoppingToken);
            }
        }
    }

    /// <summary>
    /// Deletes every row older than the retention, batch after batch; returns how many rows it deleted, or null when
    /// another instance held the lock (it is deleting them).
    /// </summary>
    public async Task<long?> PruneAsync(CancellationToken ct = default)
    {
        if (options.KeepsForever) return 0;
        var cutoff = clock.GetUtcNow().UtcDateTime.AddDays(-options.RetentionDays);
        long total = 0;
        while (true)
        {
            if (await DeleteBatchAsync(cutoff, ct) is not { } n)
            {
                if (total == 0) return null;
                break;
            }
            total += n;
            if (n < options.BatchSize) break;
            if (options.Pause > TimeSpan.Zero) await Task.Delay(options.Pause, clock, ct);
        }
        if (total > 0) Deleted(logger, total, options.RetentionDays);
        return total;
    }

    private async Task<int?> DeleteBatchAsync(DateTime cutoff, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        using var turn = await db.Dialect.WriteTurnAsync(db, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // The lock of this batch's transaction, released at its end; not had when another instance holds it.
        if (!await db.Dialect.TryLockTransactionAsync(db, LockKey, LockName, ct)) return null;
        var batch = options.BatchSize;
        var deleted = await db.RequestLog.Where(r => r.At < cutoff).Take(batch).ExecuteDeleteAsync(ct);
        await tx.CommitAsync(ct);
        return deleted;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Request log retention: deleted {Rows} rows older than {Days} days")]
    private static partial void Deleted(ILogger logger, long rows, int days);

    [LoggerMessage(Level = LogLevel.Information, Message = "Request log retention is off ({Setting} is 0 or less): rows are kept for ever")]
    private static partial void KeptForever(ILogger logger, string setting);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request log retention failed; will try again")]
    private static partial void PruneFailed(ILogger logger, Exception exception);
}

using Lumen.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Lumen.Infrastructure.Notifications;

/// <summary>
/// Writes to the outbox what calls noticed (<see cref="Notifier"/>'s queue), off the call path: each notice to the
/// client's managers, once (a notice already written, here or by another instance, is not written again).
/// </summary>
internal sealed partial class NotificationWriter(
    Notifier notifier, IDbContextFactory<LumenDbContext> contexts, TimeProvider clock, ILogger<NotificationWriter> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var notice in notifier.Noticed.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await WriteAsync(notice, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogNotWritten(log, e, notice.Event);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping
        }
    }

    private async Task WriteAsync(Notice notice, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var managers = await db.Managers.AsNoTracking().Where(m => m.ClientId == notice.ClientId).Select(m => m.Email).ToListAsync(ct);
        await Outbox.TryWriteAsync(db, notice, managers, clock.GetUtcNow(), ct);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A {Event} notification could not be written to the outbox")]
    private static partial void LogNotWritten(ILogger logger, Exception e, string @event);
}

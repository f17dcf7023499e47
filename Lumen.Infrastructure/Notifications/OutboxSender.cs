using Lumen.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Lumen.Infrastructure.Notifications;

/// <summary>
/// Sends the outbox's due mail (§23) on one instance at a time: the one holding the lease in <c>notification_sender</c>,
/// renewed before each message. A message is marked sent after the server took it, so a crash in between sends it again
/// (with the same Message-Id) rather than never; a failed send is retried with backoff for 24 hours, then marked failed.
/// Sent and failed rows go after 30 days.
/// </summary>
internal sealed partial class OutboxSender(
    IDbContextFactory<LumenDbContext> contexts, SmtpMailer mailer, NotificationOptions options, TimeProvider clock,
    ILogger<OutboxSender> log) : PeriodicService(clock)
{
    private const int Batch = 20;
    private readonly string _me = Holder();
    private readonly SemaphoreSlim _round = new(1, 1);
    private DateTimeOffset _nextPrune = DateTimeOffset.MinValue;

    protected override TimeSpan Interval => options.SendInterval;

    protected override Task RunOnceAsync(CancellationToken ct) => RoundAsync(ct);

    protected override void RoundFailed(Exception e) => LogRoundFailed(log, e);

    /// <summary>One round: hold the lease, send what is due, prune what is old. One at a time: the lease is this process's, not a round's.</summary>
    internal async Task RoundAsync(CancellationToken ct)
    {
        await _round.WaitAsync(ct);
        try
        {
            await RoundHeldAsync(ct);
        }
        finally
        {
            _round.Release();
        }
    }

    private async Task RoundHeldAsync(CancellationToken ct)
    {
        if (!await HoldLeaseAsync(ct)) return;
        List<OutboxRow> due;
        var now = Clock.GetUtcNow().UtcDateTime;
        await using (var db = await contexts.CreateDbContextAsync(ct))
            due = await db.Outbox.AsNoTracking().Where(r => r.State == OutboxState.Pending && r.NextAttemptAt <= now)
                .OrderBy(r => r.CreatedAt).Take(Batch).ToListAsync(ct);
        foreach (var message in due)
        {
            // Another instance may have taken over while a slow server held us: it sends the rest, not both of us.
            if (!await HoldLeaseAsync(ct)) return;
            await SendAsync(message, ct);
        }
        await PruneAsync(ct);
    }

    private async Task SendAsync(OutboxRow message, CancellationToken ct)
    {
        string? error = null;
        try
        {
            await mailer.SendAsync([new Mail(message.Id, message.Recipient, message.Subject, message.Text, message.Html)], ct);
        }
        catch (MailNotSentException e)
        {
            error = e.Message;
        }
        var now = Clock.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = db.Outbox.Where(r => r.Id == message.Id);
        if (error is null)
        {
            await rows.ExecuteUpdateAsync(s => s.SetProperty(r => r.State, OutboxState.Sent).SetProperty(r => r.DoneAt, now)
                .SetProperty(r => r.Attempts, message.Attempts + 1).SetProperty(r => r.LastError, (string?)null), ct);
            return;
        }
        var attempts = message.Attempts + 1;
        var giveUp = now - message.CreatedAt >= NotificationOptions.RetryFor;
        LogNotSent(log, message.Event, attempts, giveUp ? "gave up" : "will retry", error);
        var said = error.Length > OutboxModel.ErrorLength ? error[..OutboxModel.ErrorLength] : error;
        if (giveUp)
            await rows.ExecuteUpdateAsync(s => s.SetProperty(r => r.State, OutboxState.Failed).SetProperty(r => r.DoneAt, now)
                .SetProperty(r => r.Attempts, attempts).SetProperty(r => r.LastError, said), ct);
        else
            await rows.ExecuteUpdateAsync(s => s.SetProperty(r => r.NextAttemptAt, now + Backoff(attempts))
                .SetProperty(r => r.Attempts, attempts).SetProperty(r => r.LastError, said), ct);
    }

    /// <summary>30 s after the first failure, doubling, at most an hour apart.</summary>
    internal static TimeSpan Backoff(int attempts) => TimeSpan.FromSeconds(Math.Min(3600, 30 * Math.Pow(2, Math.Min(attempts - 1, 12))));

    /// <summary>Takes or renews the lease; false while another instance holds it.</summary>
    private async Task<bool> HoldLeaseAsync(CancellationToken ct)
    {
        var now = Clock.GetUtcNow().UtcDateTime;
        var until = now + options.Lease;
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.OutboxSender.Where(r => r.Id == OutboxSenderRow.TheRow && (r.Holder == _me || r.LeaseUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Holder, _me).SetProperty(r => r.LeaseUntil, until), ct) == 1;
    }

    public override void Dispose()
    {
        _round.Dispose();
        base.Dispose();
    }

    /// <summary>This process, as the lease names it (at most the column's 100 characters).</summary>
    private static string Holder()
    {
        var me = $"{Environment.ProcessId}/{Guid.NewGuid():N}@{Environment.MachineName}";
        return me.Length <= 100 ? me : me[..100];
    }

    private async Task PruneAsync(CancellationToken ct)
    {
        var now = Clock.GetUtcNow();
        if (now < _nextPrune) return;
        _nextPrune = now + TimeSpan.FromHours(1);
        var before = (now - NotificationOptions.KeepFor).UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(ct);
        await db.Outbox.Where(r => r.State != OutboxState.Pending && r.DoneAt < before).ExecuteDeleteAsync(ct);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sending notifications failed this round; the next one retries")]
    private static partial void LogRoundFailed(ILogger logger, Exception e);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A {Event} notification was not sent (attempt {Attempts}, {Next}): {Error}")]
    private static partial void LogNotSent(ILogger logger, string @event, int attempts, string next, string error);
}

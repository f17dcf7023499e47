using System.Globalization;
using Lumen.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Lumen.Infrastructure.Notifications;

/// <summary>
/// Notices keys about to expire and keys that expired (§23: <c>key.expiring</c> 7 days before, <c>key.expired</c>), once
/// a minute, and writes one notice each to the client's managers. Every instance checks; the outbox's unique event key
/// keeps one. A key a rotation set to expire is no event (its successor already works), nor is a revoked one.
/// </summary>
internal sealed partial class KeyExpiryCheck(
    IDbContextFactory<LumenDbContext> contexts, NotificationOptions options, TimeProvider clock, ILogger<KeyExpiryCheck> log) : PeriodicService(clock)
{
    public static readonly TimeSpan Ahead = TimeSpan.FromDays(7);

    // A key that expired longer ago than this when the check first saw it (a portal upgraded with old keys) is old news.
    private static readonly TimeSpan Recent = TimeSpan.FromDays(7);

    protected override TimeSpan Interval => TimeSpan.FromMinutes(1);

    protected override Task RunOnceAsync(CancellationToken ct) => CheckAsync(ct);

    protected override void RoundFailed(Exception e) => LogCheckFailed(log, e);

    /// <summary>One check: the notices for keys crossing either line since the last one.</summary>
    internal async Task CheckAsync(CancellationToken ct = default)
    {
        var now = Clock.GetUtcNow();
        var (soon, lately) = ((now + Ahead).UtcDateTime, (now - Recent).UtcDateTime);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var keys = await db.ApiKeys.AsNoTracking()
            .Where(k => k.RevokedAt == null && k.ReplacedById == null && k.ExpiresAt != null && k.ExpiresAt <= soon && k.ExpiresAt > lately)
            .Join(db.Clients, k => k.ClientId, c => c.Id, (k, c) => new { k.Id, k.ClientId, k.Name, k.Hint, ExpiresAt = k.ExpiresAt!.Value, Client = c.Name })
            .ToListAsync(ct);
        if (keys.Count == 0) return;
        var notices = keys.Select(k => StoredTime.Utc(k.ExpiresAt) <= now.UtcDateTime
            ? Expired(k.Id, k.ClientId, k.Client, k.Name, k.Hint, StoredTime.Utc(k.ExpiresAt))
            : Expiring(k.Id, k.ClientId, k.Client, k.Name, k.Hint, StoredTime.Utc(k.ExpiresAt))).ToList();
        var eventKeys = notices.Select(n => n.EventKey).ToList();
        var written = (await db.Outbox.AsNoTracking().Where(r => eventKeys.Contains(r.EventKey)).Select(r => r.EventKey).ToListAsync(ct)).ToHashSet();
        var due = notices.Where(n => !written.Contains(n.EventKey)).ToList();
        if (due.Count == 0) return;
        var clientIds = due.Select(n => n.ClientId!.Value).Distinct().ToList();
        var managers = (await db.Managers.AsNoTracking().Where(m => clientIds.Contains(m.ClientId)).Select(m => new { m.ClientId, m.Email }).ToListAsync(ct))
            .ToLookup(m => m.ClientId, m => m.Email);
        foreach (var notice in due) await Outbox.TryWriteAsync(db, notice, [.. managers[notice.ClientId!.Value]], now, ct);
    }

    private Notice Expiring(int id, int clientId, string client, string name, string hint, DateTime at) => new(
        "key.expiring", $"key.expiring:{id}", clientId,
        $"Lumen: key '{name}' of client '{client}' expires on {Day(at)}",
        $"The API key '{name}' (ending {hint}) of client '{client}' stops working at {Time(at)} UTC. Calls with it are refused "
        + "from then on. Rotate it on the client's Keys tab: the new key works at once, and the old one keeps working for the "
        + "grace period you choose while services move to the new one.",
        options.LinkTo($"clients/{Uri.EscapeDataString(client)}/keys"));

    private Notice Expired(int id, int clientId, string client, string name, string hint, DateTime at) => new(
        "key.expired", $"key.expired:{id}", clientId,
        $"Lumen: key '{name}' of client '{client}' has expired",
        $"The API key '{name}' (ending {hint}) of client '{client}' expired at {Time(at)} UTC; calls with it are refused. "
        + "If a service still needs it, create a new key on the client's Keys tab.",
        options.LinkTo($"clients/{Uri.EscapeDataString(client)}/keys"));

    private static string Day(DateTime at) => at.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Time(DateTime at) => at.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checking keys for expiry notices failed; the next check retries")]
    private static partial void LogCheckFailed(ILogger logger, Exception e);
}

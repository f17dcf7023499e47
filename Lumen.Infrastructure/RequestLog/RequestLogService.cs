using Lumen.Domain.Calls;
using Lumen.Domain.Clients;
using Lumen.Infrastructure.Clients;
using Lumen.Infrastructure.Ledger;
using Lumen.Infrastructure.Persistence;
using Lumen.Infrastructure.UseCases;
using Lumen.Infrastructure.Config;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Infrastructure.RequestLog;

/// <summary>
/// Reading one client's request log (§16) for whoever may open the client (§6): the detail page's panel and the CSV.
/// Every page is one walk of the (client, time, id) index, newest first from its cursor; the filters are compared in
/// the database, on the rows that walk reaches. A page filtered by model, outcome or key examines at most
/// <see cref="RequestLogQuery.ScanLimit"/> rows (<see cref="RequestLogWalk"/>) and says where it stopped.
/// </summary>
public sealed class RequestLogService(LumenDatabase contexts, ClientAccess access, ConfigState config)
{
    /// <summary>
    /// The models the log's filter offers (§16): the config's, in its order, then any other the client's hourly usage
    /// names, by name: models since removed from the config, and <see cref="UsageHours.UnknownModel"/> for refused calls
    /// of models it never defined (their rows keep the name the caller sent; the filter finds them all).
    /// </summary>
    public async Task<Outcome<string[]>> ModelsAsync(Actor actor, string client, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var found = await access.FindAsync(db, actor, client, ClientAction.View, ct);
        if (!found.Succeeded) return found.Failure!;
        return await ModelsAsync(db, found.Value!.Id, ct);
    }

    // usage_hours is keyed by client first: this reads the client's hours only, never its log.
    private async Task<string[]> ModelsAsync(LumenDbContext db, int client, CancellationToken ct)
    {
        var used = await db.UsageHours.AsNoTracking().Where(u => u.ClientId == client).Select(u => u.Model).Distinct().ToListAsync(ct);
        var configured = config.InForce?.Models.All.Select(m => m.Name).ToList() ?? [];
        return [.. configured, .. used.Except(configured, StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    public async Task<Outcome<RequestLogPage>> PageAsync(Actor actor, string client, RequestLogQuery query, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var found = await access.FindAsync(db, actor, client, ClientAction.View, ct);
        if (!found.Succeeded) return found.Failure!;
        var id = found.Value!.Id;

        // A client has a handful of keys: their hints are joined here rather than in the page's query.
        var keys = await db.ApiKeys.AsNoTracking().Where(k => k.ClientId == id)
            .Select(k => new { k.Id, k.PublicId, k.Hint }).ToListAsync(ct);
        var newestFirst = query.After is null;
        var walk = RequestLogWalk.From(db.RequestLog.AsNoTracking().Where(r => r.ClientId == id), query);
        var rows = walk;
        if (!string.IsNullOrWhiteSpace(query.Key))
        {
            var key = keys.FirstOrDefault(k => k.PublicId == query.Key.Trim());
            if (key is null) return RequestLogPage.Empty;
            rows = rows.Where(r => r.ApiKeyId == key.Id);
        }
        if (!string.IsNullOrWhiteSpace(query.Model) && query.Model.Trim() is var model)
        {
            if (model == UsageHours.UnknownModel)
            {
                // As the usage counts them: every name neither the config nor the client's usage knows by its own.
                var known = (await ModelsAsync(db, id, ct)).Where(m => m != UsageHours.UnknownModel).ToList();
                rows = rows.Where(r => !known.Contains(r.Model));
            }
            else rows = rows.Where(r => r.Model == model);
        }
        if (query.Outcome is { } outcome)
        {
            var word = outcome.Word();
            rows = rows.Where(r => r.Outcome == word);
        }
        // Unfiltered and time-only pages are bounded by the index already; the CSV wants every row, however far.
        var limit = Math.Clamp(query.Limit, 1, RequestLogQuery.MaxLimit);
        var (read, end) = await RequestLogWalk.ReadAsync(walk, rows, query.FiltersRows && !query.WholeLog, newestFirst, limit, ct);

        var hints = keys.ToDictionary(k => k.Id, k => k.Hint);
        var (page, older, newer) = KeysetPage.Of(read.Select(r => new RequestLogEntry(
            r.Id, StoredTime.Utc(r.At), r.ApiKeyId is { } k && hints.TryGetValue(k, out var hint) ? hint : null, r.Model, r.Status,
            r.ErrorCode, r.InputTokens, r.OutputTokens, r.CoinsMicros, r.DurationMs, r.Operation, r.Outcome, r.RequestId)).ToList(),
            limit, towardsNewer: !newestFirst, fromCursor: query.Before is not null, e => e.Cursor);
        if (end is { } searched)
        {
            // The bound stopped the walk before a full page was found: what lies beyond is the next search's, from there.
            // Back the other way are the rows this walk started from (none newer than the newest page).
            var start = query.Before ?? query.After;
            return newestFirst
                ? new RequestLogPage(page, null, page.Count > 0 ? newer : start, searched)
                : new RequestLogPage(page, page.Count > 0 ? older : start, null, searched);
        }
        if (page.Count == 0) return RequestLogPage.Empty;
        return new RequestLogPage(page, older, newer);
    }
}

using Lumen.Domain.Access;
using Lumen.Domain.Budget;
using Lumen.Infrastructure.ApiKeys;
using Lumen.Infrastructure.Config;
using Lumen.Infrastructure.Consent;
using Lumen.Infrastructure.Persistence;
using Lumen.Infrastructure.Usage;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Infrastructure.Gateway;

/// <summary>What a key holder may ask of its own client (<c>GET /v1/me</c>, §15): budget now, usage, models, the key.</summary>
public sealed record CallerStatus(
    string Client,
    DateTimeOffset AsOf,
    PoolSnapshot Pool,
    DateTimeOffset? UsableAt,
    IReadOnlyList<(string Model, AccessStatus Status)> Models,
    string KeyHint,
    DateTime KeyCreatedAt,
    DateTime? KeyLastUsedAt);

/// <summary>Reads <see cref="CallerStatus"/> for a key: not a model call, so not logged.</summary>
public sealed class CallerStatusQuery(
    KeyVerifier keys, IDbContextFactory<LumenDbContext> contexts, ConfigState config, ConsentService consents, TimeProvider clock)
{
    public async Task<(CallerStatus? Status, GatewayError? Error)> LoadAsync(string? bearer, CancellationToken ct)
    {
        var caller = await keys.FindAsync(bearer, ct);
        if (caller is null) return (null, GatewayError.InvalidKey());
        if (CallAdmission.CheckCaller(caller) is { } refused) return (null, refused);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var key = await db.ApiKeys.AsNoTracking().Where(k => k.Id == caller.KeyId)
            .Select(k => new { k.Hint, k.CreatedAt, k.LastUsedAt }).SingleAsync(ct);
        var now = clock.GetUtcNow();
        var pool = PoolSnapshot.From(caller.Pool, now);
        var usableAt = pool.Budget.UsableAt(pool.Balance, now);
        var models = new List<(string, AccessStatus)>();
        if (usableAt is not null && config.InForce is { } current)
        {
            var rule = PoolMapping.Access(caller.Client);
            var consented = await consents.ConsentedModelsAsync(caller.Client.Id, ct);
            foreach (var model in current.Models.All)
            {
                var status = rule.Decide(model.Name, current.Models, consented.Contains(model.Name)).Status;
                if (status is AccessStatus.Allowed or AccessStatus.Consented or AccessStatus.NeedsConsent) models.Add((model.Name, status));
            }
        }
        return (new CallerStatus(caller.Client.Name, now, pool, usableAt, models, key.Hint,
            DateTime.SpecifyKind(key.CreatedAt, DateTimeKind.Utc),
            key.LastUsedAt is { } used ? DateTime.SpecifyKind(used, DateTimeKind.Utc) : null), null);
    }
}

using Lumen.Domain.Access;
using Lumen.Infrastructure.ApiKeys;
using Lumen.Infrastructure.Persistence;
using Lumen.Infrastructure.Ledger;
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
    DateTime? KeyLastUsedAt,
    DateTime? KeyExpiresAt);

/// <summary>Reads <see cref="CallerStatus"/> for a key: not a model call, so not logged.</summary>
public sealed class CallerStatusQuery
{
    private readonly KeyVerifier _keys;
    private readonly IDbContextFactory<LumenDbContext> _contexts;
    private readonly CallAdmission _admission;
    private readonly TimeProvider _clock;

    internal CallerStatusQuery(KeyVerifier keys, IDbContextFactory<LumenDbContext> contexts, CallAdmission admission, TimeProvider clock)
    {
        _keys = keys;
        _contexts = contexts;
        _admission = admission;
        _clock = clock;
    }

    public async Task<(CallerStatus? Status, GatewayError? Error)> LoadAsync(string? bearer, CancellationToken ct)
    {
        var caller = await _keys.FindAsync(bearer, ct);
        if (caller is null) return (null, GatewayError.InvalidKey());
        var now = _clock.GetUtcNow();
        if (CallAdmission.CheckCaller(caller, now) is { } refused) return (null, refused);
        await using var db = await _contexts.CreateDbContextAsync(ct);
        var key = await db.ApiKeys.AsNoTracking().Where(k => k.Id == caller.KeyId)
            .Select(k => new { k.Hint, k.CreatedAt, k.LastUsedAt }).SingleAsync(ct);
        var pool = PoolSnapshot.From(caller.Pool, now);
        var models = await _admission.ModelsAsync(caller, ct);
        return (new CallerStatus(caller.Client.Name, now, pool, pool.Budget.UsableAt(pool.Balance, now),
            [.. models.Select(m => (m.Model.Name, m.Status))], key.Hint,
            StoredTime.Utc(key.CreatedAt), StoredTime.Utc(key.LastUsedAt), caller.ExpiresAt), null);
    }
}

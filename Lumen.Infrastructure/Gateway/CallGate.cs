using System.Collections.Concurrent;
using Lumen.Domain.Access;
using Lumen.Domain.ApiKeys;
using Lumen.Domain.Budget;
using Lumen.Domain.Models;
using Lumen.Infrastructure.ApiKeys;
using Lumen.Infrastructure.Config;
using Lumen.Infrastructure.Consent;
using Lumen.Infrastructure.Persistence;
using Lumen.Infrastructure.Usage;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Infrastructure.Gateway;

/// <summary>
/// Every check a model call must pass, in the order of §10: key, client active, model exists, access (with
/// consent), coins. One query reads the key, its client and the pool; consent is read only for graylisted models.
/// Refusals are written to the request log here, so no caller can forget to.
/// </summary>
public sealed class CallGate(
    IDbContextFactory<LumenDbContext> contexts, ApiKeyHasher hasher, ConfigState config, ConsentService consents,
    CoinLedger ledger, TimeProvider clock)
{
    /// <summary>Checks key and client only (for <c>/v1/models</c>).</summary>
    public async Task<(Caller? Caller, GatewayError? Error)> IdentifyAsync(string? bearer, CancellationToken ct)
    {
        if (!ApiKeyFormat.TryParse(bearer, out var publicId, out var secret)) return (null, GatewayError.InvalidKey());
        await using var db = await contexts.CreateDbContextAsync(ct);
        var caller = await FindCaller(db)(db, publicId, ct);
        if (caller is null || caller.Revoked || !hasher.Matches(secret, caller.SecretHash)) return (null, GatewayError.InvalidKey());
        if (!caller.Client.IsActive) return (caller, GatewayError.ClientInactive(caller.Client.Name));
        return (caller, null);
    }

    /// <summary>Admits a call to <paramref name="model"/>, or says why not (and logs the refusal).</summary>
    /// <remarks>A <paramref name="requestProblem"/> (unreadable body, no model) is reported after the key check, as OpenAI does.</remarks>
    public async Task<(Admission? Admission, GatewayError? Error)> AdmitAsync(string? bearer, string model, string? requestProblem,
        CancellationToken ct)
    {
        var (caller, error) = await IdentifyAsync(bearer, ct);
        if (error is null && requestProblem is not null) error = GatewayError.BadRequest(requestProblem);
        error ??= await CheckModelAsync(caller!, model, ct);
        if (error is not null)
        {
            await ledger.LogRefusalAsync(new CallRecord(caller?.Client.Id, caller?.KeyId, model, error.Status, error.Code, 0, 0, 0, 0), ct);
            return (null, error);
        }
        return (new Admission(caller!.Client.Id, caller.Client.Name, caller.KeyId, config.InForce!.Models.FindActive(model)!), null);
    }

    /// <summary>The models the caller can use now: allowed, or graylisted with consent.</summary>
    public async Task<IReadOnlyList<ModelDefinition>> UsableModelsAsync(Caller caller, CancellationToken ct)
    {
        if (config.InForce is not { } current) return [];
        var rule = PoolMapping.Access(caller.Client);
        var consents = await ConsentsAsync(caller.Client.Id, ct);
        return current.Models.All.Where(m => rule.Decide(m.Name, current.Models, consents.Contains(m.Name)).IsAllowed).ToList();
    }

    private async Task<GatewayError?> CheckModelAsync(Caller caller, string model, CancellationToken ct)
    {
        var client = caller.Client;
        var models = config.InForce?.Models ?? ModelCatalog.Empty;
        var rule = PoolMapping.Access(client);
        var decision = rule.Decide(model, models, hasConsent: false);
        if (decision.Status == AccessStatus.NeedsConsent && (await ConsentsAsync(client.Id, ct)).Contains(model))
            decision = decision with { Status = AccessStatus.Consented };
        switch (decision.Status)
        {
            case AccessStatus.NotFound: return GatewayError.ModelNotFound(model);
            case AccessStatus.Denied: return GatewayError.ModelNotAllowed(model, client.Name);
            case AccessStatus.NeedsConsent: return GatewayError.ConsentRequired(model, client.Name);
        }
        var pool = PoolSnapshot.From(caller.Pool, clock.GetUtcNow());
        return pool.Admits ? null : GatewayError.InsufficientQuota(client.Name, pool.Budget.Kind == BudgetKind.Blocked);
    }

    // Compiled once per context type (one per provider), so a call skips LINQ translation and the query cache lookup.
    private static readonly ConcurrentDictionary<Type, Func<LumenDbContext, string, CancellationToken, Task<Caller?>>> CallerQueries = new();

    private static Func<LumenDbContext, string, CancellationToken, Task<Caller?>> FindCaller(LumenDbContext db) =>
        CallerQueries.GetOrAdd(db.GetType(), _ => EF.CompileAsyncQuery((LumenDbContext db, string publicId, CancellationToken ct) => (
            from k in db.ApiKeys.AsNoTracking()
            join c in db.Clients on k.ClientId equals c.Id
            join p in db.CoinPools on c.Id equals p.ClientId
            where k.PublicId == publicId
            select new Caller(k.Id, k.SecretHash, k.RevokedAt != null, c, p)).FirstOrDefault()));

    private Task<IReadOnlySet<string>> ConsentsAsync(int clientId, CancellationToken ct) => consents.ConsentedModelsAsync(clientId, ct);
}

/// <summary>The key presented, its client and the client's pool, as read for one call.</summary>
public sealed record Caller(int KeyId, byte[] SecretHash, bool Revoked, ClientRow Client, CoinPoolRow Pool);

using Lumen.Domain.Access;
using Lumen.Domain.Budget;
using Lumen.Domain.Models;
using Lumen.Infrastructure.ApiKeys;
using Lumen.Infrastructure.Config;
using Lumen.Infrastructure.Consent;
using Lumen.Infrastructure.Persistence;
using Lumen.Infrastructure.Ledger;
using Lumen.Infrastructure.Notifications;

namespace Lumen.Infrastructure.Gateway;

/// <summary>
/// The checks a caller whose key matched must pass, in the order of §10: key not revoked nor expired, client active, model
/// exists, access (with consent), coins. Consent is read only for graylisted models.
/// </summary>
internal sealed class CallAdmission(ConfigState config, ConsentService consents, Notifier? notifier, TimeProvider clock)
{
    /// <summary>Why the caller may not use the gateway at all (revoked or expired key, inactive client), or null.</summary>
    public static GatewayError? CheckCaller(Caller caller, DateTimeOffset now) =>
        caller.Revoked ? GatewayError.InvalidKey()
        : caller.ExpiredAt(now) ? GatewayError.KeyExpired(caller.ExpiresAt!.Value)
        : !caller.Client.IsActive ? GatewayError.ClientInactive(caller.Client.Name)
        : null;

    /// <summary>Whether the config in force defines <paramref name="model"/> (its usage is counted under its name, §16).</summary>
    public bool Defines(string? model) => model is not null && config.InForce?.Models.Defines(model) == true;

    /// <summary>The model the caller may call now, or why not.</summary>
    public async Task<(ModelDefinition? Model, GatewayError? Error)> AdmitAsync(Caller caller, string model, CancellationToken ct)
    {
        if (CheckCaller(caller, clock.GetUtcNow()) is { } refused) return (null, refused);
        var client = caller.Client;
        var models = config.InForce?.Models ?? ModelCatalog.Empty;
        var decision = client.Access().Decide(model, models, hasConsent: false);
        if (decision.Status == AccessStatus.NeedsConsent && (await consents.ConsentedModelsAsync(client.Id, ct)).Contains(model))
            decision = decision with { Status = AccessStatus.Consented };
        var error = decision.Status switch
        {
            AccessStatus.NotFound => GatewayError.ModelNotFound(model),
            AccessStatus.Denied => GatewayError.ModelNotAllowed(model, client.Name),
            AccessStatus.NeedsConsent => GatewayError.ConsentRequired(model, client.Name),
            _ => null,
        };
        if (error is not null)
        {
            if (decision.Status == AccessStatus.NeedsConsent) notifier?.ConsentRequested(client.Id, client.Name, model);
            return (null, error);
        }
        var now = clock.GetUtcNow();
        var pool = PoolSnapshot.From(caller.Pool, now);
        if (!pool.Admits)
            return (null, GatewayError.InsufficientQuota(client.Name, pool.Budget.Kind == BudgetKind.Blocked, pool.Budget.UsableAt(pool.Balance, now) - now));
        return (models.FindActive(model)!, null);
    }

    /// <summary>
    /// The models the caller can use now (allowed, or graylisted with consent) and those it could after consent, each
    /// with its status; none while its budget admits no call and refill never will (§10), since every one of them
    /// would be refused. <c>/v1/models</c> and <c>/v1/me</c> both read this.
    /// </summary>
    public async Task<IReadOnlyList<(ModelDefinition Model, AccessStatus Status)>> ModelsAsync(Caller caller, CancellationToken ct)
    {
        if (config.InForce is not { } current) return [];
        var now = clock.GetUtcNow();
        var pool = PoolSnapshot.From(caller.Pool, now);
        if (pool.Budget.UsableAt(pool.Balance, now) is null) return [];
        var rule = caller.Client.Access();
        var consented = await consents.ConsentedModelsAsync(caller.Client.Id, ct);
        return current.Models.All
            .Select(m => (Model: m, rule.Decide(m.Name, current.Models, consented.Contains(m.Name)).Status))
            .Where(m => m.Status is AccessStatus.Allowed or AccessStatus.Consented or AccessStatus.NeedsConsent)
            .ToList();
    }
}

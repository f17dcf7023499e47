using Lumen.Domain.Access;
using Lumen.Domain.Clients;
using Lumen.Domain.Config;
using Lumen.Infrastructure.ApiKeys;
using Lumen.Infrastructure.Ledger;
using Lumen.Infrastructure.UseCases;
using Lumen.Infrastructure.Consent;
using Lumen.Infrastructure.Managers;
using Lumen.Infrastructure.Config;
using Lumen.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Infrastructure.Clients;

/// <summary>
/// Everything the client detail page (§8) shows, read for one viewer at one moment (<see cref="AsOf"/>): the client, its pool refilled to
/// now, where its settings come from, each model's access, its managers and its keys.
/// </summary>
public sealed record ClientDetails(
    string Name,
    DateTime CreatedAt,
    string CreatedBy,
    bool IsActive,
    bool ViewerIsAdmin,
    DateTimeOffset AsOf,
    PoolSnapshot Pool,
    AppliedSettings Applied,
    ClientSettings? Resolved,
    IReadOnlyList<ModelAccessLine> Models,
    IReadOnlyList<ManagerInfo> Managers,
    IReadOnlyList<ApiKeyInfo> Keys)
{
    /// <summary>
    /// Whether <see cref="Resolved"/> (the config in force, with the source of every field) is what the client has
    /// applied. It is not for the moment between a reload putting a config in force and applying it to the clients.
    /// </summary>
    public bool ResolvedIsApplied =>
        Resolved is not null && Resolved.Source == Applied.Source && Resolved.Budget == Applied.Budget
        && Resolved.Access.Equals(Applied.Access);
}

/// <summary>
/// One model of the config in force for one client: the §5 decision (consent included) and the consent on record,
/// active or the latest withdrawn one. <see cref="ConsentIgnored"/>: consent is on record but the model is not
/// graylisted now, so it does not count (§5) until the model is graylisted again.
/// </summary>
public sealed record ModelAccessLine(string Model, AccessDecision Decision, ConsentInfo? Consent)
{
    public bool ConsentIgnored => Consent is { WithdrawnAt: null } && !Decision.IsGraylisted;
}

/// <summary>Reads <see cref="ClientDetails"/>, behind the same §6 check as every use case.</summary>
public sealed class ClientDetailsQuery(
    LumenDatabase contexts, ClientAccess access, ConfigState config, TimeProvider clock)
{
    /// <summary>The client's details, or NotFound for an unknown name and for a client the viewer may not see alike.</summary>
    public async Task<Outcome<ClientDetails>> LoadAsync(Actor actor, string name, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var found = await access.FindAsync(db, actor, name, ClientAction.View, ct);
        if (!found.Succeeded) return found.Failure!;
        var client = found.Value!;
        var id = client.Id;

        var pool = await db.CoinPools.AsNoTracking().SingleAsync(p => p.ClientId == id, ct);
        var managers = await db.Managers.AsNoTracking().Where(m => m.ClientId == id).OrderBy(m => m.Email).ToListAsync(ct);
        var keys = await db.ApiKeys.AsNoTracking().Where(k => k.ClientId == id)
            .OrderByDescending(k => k.CreatedAt).ThenByDescending(k => k.Id).ToListAsync(ct);
        var consents = await db.Consents.AsNoTracking().Where(c => c.ClientId == id).OrderBy(c => c.Id).ToListAsync(ct);

        var now = clock.GetUtcNow();
        var inForce = config.InForce;
        var rule = PoolMapping.Access(client);
        var models = (inForce?.Models.All ?? []).Select(m =>
        {
            var active = consents.FirstOrDefault(c => c.Model == m.Name && c.WithdrawnAt is null);
            var latest = active ?? consents.Where(c => c.Model == m.Name).MaxBy(c => c.WithdrawnAt);
            return new ModelAccessLine(m.Name, rule.Decide(m.Name, inForce!.Models, active is not null),
                latest is null ? null : ConsentInfo.From(latest));
        }).ToList();

        return new ClientDetails(
            client.Name,
            StoredTime.Utc(client.CreatedAt),
            client.CreatedBy,
            client.IsActive,
            access.IsAdmin(actor),
            now,
            PoolSnapshot.From(pool, now),
            PoolMapping.Applied(client, pool),
            inForce?.Clients.Resolve(ClientName.Create(client.Name)),
            models,
            [.. managers.Select(ManagerInfo.From)],
            ApiKeyInfo.FromAll(keys));
    }
}

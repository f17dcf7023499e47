using Lumen.Domain.Access;
using Lumen.Domain.Models;
using Lumen.Infrastructure.Clients;
using Lumen.Infrastructure.Config;
using Lumen.Infrastructure.Gateway;
using Lumen.Infrastructure.Gateway.Capacity;
using Lumen.Infrastructure.Gateway.Upstream;
using Lumen.Infrastructure.Persistence;
using Lumen.Infrastructure.UseCases;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Infrastructure.Models;

/// <summary>A model's state on the models page (§20): built in, every endpoint up, some down, or all down.</summary>
public enum ModelState
{
    BuiltIn,
    Up,
    Degraded,
    Down,
}

/// <summary>
/// One active model as the models page shows it to one viewer: price, state, healthy endpoints, last check, the last
/// hour on this instance, its calls in flight and waiting here; for admins its endpoints, for a manager what each of their clients may do with it.
/// </summary>
public sealed record ModelCard(
    string Name, ModelPrice Price, ModelState State, int Healthy, int Total, DateTimeOffset? LastChecked, int InFlight, int Waiting,
    long CallsLastHour, TimeSpan? MedianLastHour, IReadOnlyList<EndpointCard> Endpoints, IReadOnlyList<ClientModelAccess> Access);

/// <summary>
/// An endpoint for admins: its URL without credentials or query, its state, our words for its last error, and its calls
/// in flight from this instance against its <c>max_concurrent</c> (null: no cap).
/// </summary>
public sealed record EndpointCard(int Number, string Url, EndpointState State, string? LastError, int InFlight, int? MaxConcurrent, DateTimeOffset? LastProbed);

/// <summary>What a manager's client may do with a model (§5): allowed, needs consent, consented or denied.</summary>
public sealed record ClientModelAccess(string Client, AccessStatus Status);

/// <summary>The models page's content for a viewer, from the config in force, this instance's health and call figures.</summary>
public sealed class ModelBoard(LumenDatabase contexts, ClientAccess access, ConfigState config, EndpointHealth health, ModelCallStats stats,
    EndpointCapacity capacity)
{
    /// <summary>A manager sees the access of at most this many of their clients per model (A→Z); the client pages have the rest.</summary>
    public const int MaxClients = 50;

    public async Task<IReadOnlyList<ModelCard>> LoadAsync(Actor actor, CancellationToken ct = default)
    {
        var inForce = config.InForce;
        if (inForce is null) return [];
        var admin = access.IsAdmin(actor);
        var clients = admin ? [] : await ManagedAsync(actor, ct);
        return [.. inForce.Models.All.Where(m => m.Active).Select(m => Card(m, admin, inForce.Models, clients))];
    }

    private ModelCard Card(ModelDefinition model, bool admin, ModelCatalog catalog, IReadOnlyList<(ClientRow Client, IReadOnlySet<string> Consented)> clients)
    {
        var statuses = model.Endpoints.Select(e => health.Of(model.Name, e)).ToList();
        var healthy = statuses.Count(s => s.TakesCalls);
        var state = model.IsBuiltInDummy ? ModelState.BuiltIn
            : healthy == statuses.Count && healthy > 0 ? ModelState.Up
            : healthy == 0 ? ModelState.Down
            : ModelState.Degraded;
        var (calls, median) = stats.LastHour(model.Name);
        var endpoints = admin
            ? statuses.Select((s, i) => new EndpointCard(i + 1, s.Endpoint.SafeUrl, s.State, s.LastError, s.InFlight, s.Endpoint.MaxConcurrent, s.LastProbed)).ToList()
            : [];
        var clientAccess = clients.Select(c => new ClientModelAccess(c.Client.Name,
            PoolMapping.Access(c.Client).Decide(model.Name, catalog, c.Consented.Contains(model.Name)).Status)).ToList();
        return new ModelCard(model.Name, model.Price, state, healthy, statuses.Count, statuses.Max(s => s.LastProbed),
            statuses.Sum(s => s.InFlight), capacity.Waiting(model.Name), calls, median, endpoints, clientAccess);
    }

    private async Task<IReadOnlyList<(ClientRow, IReadOnlySet<string>)>> ManagedAsync(Actor actor, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var clients = await ClientVisibility.Clients(db, actor.NormalizedEmail).AsNoTracking()
            .OrderBy(c => c.Name).Take(MaxClients).ToListAsync(ct);
        var ids = clients.Select(c => c.Id).ToList();
        var consents = await db.Consents.AsNoTracking().Where(c => ids.Contains(c.ClientId) && c.WithdrawnAt == null)
            .Select(c => new { c.ClientId, c.Model }).ToListAsync(ct);
        return [.. clients.Select(c => (c, (IReadOnlySet<string>)consents.Where(x => x.ClientId == c.Id).Select(x => x.Model).ToHashSet(StringComparer.Ordinal)))];
    }
}

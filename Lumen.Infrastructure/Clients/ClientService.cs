using Lumen.Domain.Clients;
using Lumen.Domain.Config;
using Lumen.Infrastructure.Common;
using Lumen.Infrastructure.Config;
using Lumen.Infrastructure.Events;
using Lumen.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Infrastructure.Clients;

/// <summary>Creating clients and switching them on and off (§3). The portal and the command line both come here.</summary>
public sealed class ClientService(
    IDbContextFactory<LumenDbContext> contexts, ClientAccess access, ConfigState config, ConfigSync sync,
    ClientChangeNotifier notifier, TimeProvider clock)
{
    /// <summary>Creates a client with its named entry (or default) applied at once and a pool at <c>starting</c>.</summary>
    public async Task<Outcome<ClientRow>> CreateAsync(Actor actor, string? name, CancellationToken ct = default)
    {
        if (!access.IsAdmin(actor)) return new Failure(FailureKind.Forbidden, "Only admins can create clients.");
        var text = name?.Trim();
        if (!ClientName.TryCreate(text, out var clientName, out var error)) return new Failure(FailureKind.Invalid, error);
        if (config.InForce is not { } current)
            return new Failure(FailureKind.Invalid, "The config file has errors and no valid config was ever loaded; fix it first.");

        var settings = AppliedSettings.From(current.Clients.Resolve(clientName));
        var now = clock.GetUtcNow();
        var row = new ClientRow { Name = clientName.Value, CreatedAt = now.UtcDateTime, CreatedBy = actor.NormalizedEmail, IsActive = true };
        PoolMapping.SetAccess(row, settings);
        row.Pool = PoolMapping.NewPool(0, row.Name, settings.Budget, now);

        await using var db = await contexts.CreateDbContextAsync(ct);
        if (await db.Clients.AnyAsync(c => c.Name == clientName.Value, ct)) return Taken(clientName);
        db.Clients.Add(row);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Someone else created the same name between our check and our insert: the unique index decided.
            return Taken(clientName);
        }
        notifier.Publish(new ClientChange(row.Name, ClientChangeKind.Created, $"{actor.NormalizedEmail} created {row.Name}", null, settings));
        // A reload puts its config in force before it reads the clients; if one did so while we inserted, it may not
        // have seen this row, so apply what is in force now rather than keep settings that no longer are.
        if (config.InForce is { } latest && !ReferenceEquals(latest, current)) await sync.ApplyAsync(latest, ct);
        return row;
    }

    public async Task<Outcome<ClientRow>> SetActiveAsync(Actor actor, string name, bool active, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var found = await access.FindAsync(db, actor, name, ClientAction.SetActive, ct);
        if (!found.Succeeded) return found;
        var client = found.Value!;
        if (client.IsActive == active) return client;
        client.IsActive = active;
        await db.SaveChangesAsync(ct);
        notifier.Publish(new ClientChange(client.Name, ClientChangeKind.ActiveChanged,
            $"{actor.NormalizedEmail} {(active ? "activated" : "deactivated")} {client.Name}"));
        return client;
    }

    /// <summary>Every client the actor may see, by name, with its pool (for the command line's list).</summary>
    public async Task<IReadOnlyList<ClientRow>> ListAsync(Actor actor, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var query = db.Clients.AsNoTracking().Include(c => c.Pool).AsQueryable();
        if (!access.IsAdmin(actor))
        {
            var email = actor.NormalizedEmail;
            query = query.Where(c => c.Managers.Any(m => m.Email == email));
        }
        return await query.OrderBy(c => c.Name).ToListAsync(ct);
    }

    private static Failure Taken(ClientName name) =>
        new(FailureKind.Conflict, $"A client named '{name}' already exists.");
}

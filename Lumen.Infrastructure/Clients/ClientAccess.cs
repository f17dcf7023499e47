using Lumen.Domain.Clients;
using Lumen.Infrastructure.UseCases;
using Lumen.Infrastructure.Config;
using Lumen.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Infrastructure.Clients;

/// <summary>
/// The server-side check of §6 behind every use case. Admin rights are read from the config in force at the time
/// of the action and manager rights from the database, so a change of role counts on the person's next action.
/// </summary>
public sealed class ClientAccess(ConfigState config)
{
    public bool IsAdmin(Actor actor) => actor.IsOperator || config.InForce?.IsAdmin(actor.Email) == true;

    /// <summary>
    /// The client (tracked in <paramref name="db"/>) if the actor may do <paramref name="action"/> to it. An unknown
    /// name and a client the actor may not see give the same answer.
    /// </summary>
    internal async Task<Outcome<ClientRow>> FindAsync(LumenDbContext db, Actor actor, string name, ClientAction action,
        CancellationToken ct = default)
    {
        var key = ClientName.Normalize(name);
        var client = await db.Clients.FirstOrDefaultAsync(c => c.Name == key, ct);
        if (client is null) return Failure.ClientNotFound(name);
        var isAdmin = IsAdmin(actor);
        var email = actor.NormalizedEmail;
        var isManager = !isAdmin && await db.Managers.AnyAsync(m => m.ClientId == client.Id && m.Email == email, ct);
        if (!ClientPermissions.Allows(ClientAction.View, isAdmin, isManager)) return Failure.ClientNotFound(name);
        if (!ClientPermissions.Allows(action, isAdmin, isManager))
            return new Failure(FailureKind.Forbidden, $"Only admins can {Describe(action)}.");
        return client;
    }

    private static string Describe(ClientAction action) => action switch
    {
        ClientAction.SetActive => "activate or deactivate a client",
        ClientAction.ManageManagers => "add or remove managers",
        ClientAction.Create => "create clients",
        _ => "do this",
    };
}

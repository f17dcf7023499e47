using Lumen.Domain.Clients;
using Lumen.Domain.People;
using Lumen.Infrastructure.Clients;
using Lumen.Infrastructure.Audit;
using Lumen.Infrastructure.UseCases;
using Lumen.Infrastructure.Changes;
using Lumen.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Infrastructure.Managers;

/// <summary>What adding a manager did: added them, or found them there already (harmless, but worth saying).</summary>
public sealed record ManagerAddition(ManagerInfo Manager, string Client, bool AlreadyManager)
{
    /// <summary>What the portal and the command line both tell the person when nothing needed adding.</summary>
    public string AlreadyMessage => $"{Manager.Email} is already a manager of {Client}.";
}

/// <summary>Assigning managers to clients by e-mail (§6): admins only; the person need not have signed in yet.</summary>
public sealed class ManagerService(
    LumenDatabase contexts, ClientAccess access, ChangeFeed changes, TimeProvider clock)
{
    public async Task<Outcome<ManagerAddition>> AddAsync(Actor actor, string client, string? email, CancellationToken ct = default)
    {
        if (!EmailAddress.TryCreate(email, out var address, out var invalid)) return new Failure(FailureKind.Invalid, invalid);
        var normalized = address.Value;
        await using var db = await contexts.CreateDbContextAsync(ct);
        var found = await access.FindAsync(db, actor, client, ClientAction.ManageManagers, ct);
        if (!found.Succeeded) return found.Failure!;
        var clientId = found.Value!.Id;
        var existing = await db.Managers.FirstOrDefaultAsync(m => m.ClientId == clientId && m.Email == normalized, ct);
        if (existing is not null) return new ManagerAddition(ManagerInfo.From(existing), found.Value.Name, AlreadyManager: true);
        var row = new ManagerRow { ClientId = clientId, Email = normalized, AddedAt = clock.GetUtcNow().UtcDateTime, AddedBy = actor.NormalizedEmail };
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            db.Managers.Add(row);
            AuditLog.Add(db, clock.GetUtcNow(), actor, AuditActions.ManagerAdded, $"manager added {normalized}", found.Value);
            try
            {
                await db.SaveChangesAsync(ct);
                await CountManagersAsync(db, clientId, +1, ct);
                await tx.CommitAsync(ct);
            }
            catch (DbUpdateException e)
            {
                // Someone added the same person between our check and our insert: the unique index decided, and
                // adding twice is harmless, so their row is the answer.
                await tx.RollbackAsync(ct);
                db.ChangeTracker.Clear();
                var theirs = await db.Managers.AsNoTracking().FirstOrDefaultAsync(m => m.ClientId == clientId && m.Email == normalized, ct)
                    ?? throw new InvalidOperationException($"Adding manager {normalized} to '{found.Value.Name}' failed.", e);
                return new ManagerAddition(ManagerInfo.From(theirs), found.Value.Name, AlreadyManager: true);
            }
        }
        await changes.PublishAsync(new Change(found.Value.Name, ChangeKind.ManagersChanged, $"{actor.NormalizedEmail} added manager {normalized}") { Concerns = normalized });
        return new ManagerAddition(ManagerInfo.From(row), found.Value.Name, AlreadyManager: false);
    }

    public async Task<Outcome<bool>> RemoveAsync(Actor actor, string client, string email, CancellationToken ct = default)
    {
        var normalized = EmailAddress.Normalize(email);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var found = await access.FindAsync(db, actor, client, ClientAction.ManageManagers, ct);
        if (!found.Succeeded) return found.Failure!;
        var clientId = found.Value!.Id;
        int removed;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            removed = await db.Managers.Where(m => m.ClientId == clientId && m.Email == normalized).ExecuteDeleteAsync(ct);
            if (removed > 0)
            {
                await CountManagersAsync(db, clientId, -removed, ct);
                AuditLog.Add(db, clock.GetUtcNow(), actor, AuditActions.ManagerRemoved, $"manager removed {normalized}", found.Value);
                await db.SaveChangesAsync(ct);
            }
            await tx.CommitAsync(ct);
        }
        if (removed == 0) return new Failure(FailureKind.NotFound, $"{normalized} is not a manager of '{found.Value.Name}'.");
        await changes.PublishAsync(new Change(found.Value.Name, ChangeKind.ManagersChanged, $"{actor.NormalizedEmail} removed manager {normalized}") { Concerns = normalized });
        return true;
    }

    public async Task<Outcome<IReadOnlyList<ManagerInfo>>> ListAsync(Actor actor, string client, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var found = await access.FindAsync(db, actor, client, ClientAction.View, ct);
        if (!found.Succeeded) return found.Failure!;
        var clientId = found.Value!.Id;
        var rows = await db.Managers.AsNoTracking().Where(m => m.ClientId == clientId).OrderBy(m => m.Email).ToListAsync(ct);
        return rows.Select(ManagerInfo.From).ToList();
    }

    /// <summary>
    /// Keeps <see cref="ClientRow.ManagerCount"/> in step, in the transaction that adds or removes the manager rows:
    /// an increment, not a recount, so concurrent changes to one client each count once under any isolation level.
    /// </summary>
    private static Task<int> CountManagersAsync(LumenDbContext db, int clientId, int delta, CancellationToken ct) =>
        db.Clients.Where(c => c.Id == clientId).ExecuteUpdateAsync(s => s.SetProperty(c => c.ManagerCount, c => c.ManagerCount + delta), ct);
}

using Lumen.Domain.Clients;
using Lumen.Domain.Config;
using Lumen.Infrastructure.Audit;
using Lumen.Infrastructure.Ledger;
using Lumen.Infrastructure.UseCases;
using Lumen.Infrastructure.Config;
using Lumen.Infrastructure.Changes;
using Lumen.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Infrastructure.Clients;

/// <summary>Creating clients and switching them on and off (§3). The portal and the command line both come here.</summary>
public sealed class ClientService(
    LumenDatabase contexts, ClientAccess access, ConfigState config, ConfigSync sync,
    ChangeFeed changes, TimeProvider clock)
{
    /// <summary>Creates a client with its named entry (or default) applied at once and a pool at <c>starting</c>.</summary>
    public async Task<Outcome<ClientInfo>> CreateAsync(Actor actor, string? name, CancellationToken ct = default)
    {
        var created = await CreateAllAsync(actor, [name], refused => refused[0].Reason, ct);
        return created.Succeeded ? created.Value![0] : created.Failure!;
    }

    /// <summary>
    /// Creates every client named, in one transaction, or none: each name is checked first (its rules, taken, given
    /// twice), and a refusal names every bad one, one per line as "name: why".
    /// </summary>
    public Task<Outcome<IReadOnlyList<ClientInfo>>> CreateAllAsync(Actor actor, IReadOnlyList<string?> names, CancellationToken ct = default) =>
        CreateAllAsync(actor, names, refused => new Failure(
            refused.Any(r => r.Reason.Kind == FailureKind.Invalid) ? FailureKind.Invalid : FailureKind.Conflict,
            string.Join('\n', refused.Select(r => $"{r.Name}: {r.Reason.Message}"))
                + (names.Count > refused.Count ? "\nNothing was created: fix the names above and try again." : "")), ct);

    private async Task<Outcome<IReadOnlyList<ClientInfo>>> CreateAllAsync(
        Actor actor, IReadOnlyList<string?> names, Func<IReadOnlyList<RefusedName>, Failure> refuse, CancellationToken ct)
    {
        if (!access.IsAdmin(actor)) return new Failure(FailureKind.Forbidden, "Only admins can create clients.");
        var texts = names.Select(n => n?.Trim() ?? "").ToList();
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (await RefusalsAsync(db, texts, ct) is { Count: > 0 } refused) return refuse(refused);
        if (config.InForce is not { } current)
            return new Failure(FailureKind.Invalid, "The config file has errors and no valid config was ever loaded; fix it first.");

        var now = clock.GetUtcNow();
        var created = texts.Select(text => NewClient(actor, ClientName.Create(text), current, now)).ToList();
        db.Clients.AddRange(created.Select(c => c.Row));
        foreach (var (row, _) in created)
            AuditLog.Add(db, now, actor, AuditActions.ClientCreated, $"created {row.Name}", row);
        try
        {
            await db.SaveChangesAsync(ct); // one transaction: all of them or none
        }
        catch (DbUpdateException)
        {
            // Someone else created one of these names between our check and our insert: the unique index decided.
            db.ChangeTracker.Clear();
            if (await RefusalsAsync(db, texts, ct) is { Count: > 0 } taken) return refuse(taken);
            throw;
        }
        await changes.PublishAsync(created.Select(c =>
            new Change(c.Row.Name, ChangeKind.Created, $"{actor.NormalizedEmail} created {c.Row.Name}", null, c.Settings)).ToList());
        // A reload puts its config in force before it reads the clients; if one did so while we inserted, it may not
        // have seen these rows, so apply what is in force now rather than keep settings that no longer are.
        if (config.InForce is { } latest && !ReferenceEquals(latest, current)) await sync.ApplyAsync(latest, ct);
        return created.Select(c => ClientInfo.From(c.Row)).ToList();
    }

    private static (ClientRow Row, AppliedSettings Settings) NewClient(Actor actor, ClientName name, LumenConfig config, DateTimeOffset now)
    {
        var settings = AppliedSettings.From(config.Clients.Resolve(name));
        var row = new ClientRow { Name = name.Value, CreatedAt = now.UtcDateTime, CreatedBy = actor.NormalizedEmail, IsActive = true };
        PoolMapping.SetAccess(row, settings);
        row.Pool = PoolMapping.NewPool(0, row.Name, settings.Budget, now);
        return (row, settings);
    }

    /// <summary>Every name that cannot be created, in the order given: one breaking the name rules, taken, or given twice.</summary>
    private static async Task<List<RefusedName>> RefusalsAsync(LumenDbContext db, List<string> texts, CancellationToken ct)
    {
        var valid = texts.Where(t => ClientName.Validate(t) is null).Distinct().ToList();
        var taken = (await db.Clients.Where(c => valid.Contains(c.Name)).Select(c => c.Name).ToListAsync(ct)).ToHashSet();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var refused = new List<RefusedName>();
        foreach (var text in texts)
        {
            var reason = ClientName.Validate(text) is { } error ? new Failure(FailureKind.Invalid, error)
                : taken.Contains(text) ? Taken(text)
                : !seen.Add(text) ? new Failure(FailureKind.Invalid, $"'{text}' is given more than once.")
                : null;
            if (reason is not null) refused.Add(new RefusedName(text, reason));
        }
        return refused;
    }

    private sealed record RefusedName(string Name, Failure Reason);

    public async Task<Outcome<ClientInfo>> SetActiveAsync(Actor actor, string name, bool active, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var found = await access.FindAsync(db, actor, name, ClientAction.SetActive, ct);
        if (!found.Succeeded) return found.Failure!;
        var client = found.Value!;
        if (client.IsActive == active) return ClientInfo.From(client);
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            // Conditional, so that of two people switching the same client at once only the one who changed it
            // records a change (§17: one entry per change).
            var changed = await db.Clients.Where(c => c.Id == client.Id && c.IsActive != active)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.IsActive, active), ct);
            Tracked.Written(db.Entry(client).Property(c => c.IsActive), active);
            if (changed == 0) return ClientInfo.From(client);
            AuditLog.Add(db, clock.GetUtcNow(), actor, active ? AuditActions.ClientActivated : AuditActions.ClientDeactivated,
                active ? "inactive → active" : "active → inactive", client);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        await changes.PublishAsync(new Change(client.Name, ChangeKind.ActiveChanged,
            $"{actor.NormalizedEmail} {(active ? "activated" : "deactivated")} {client.Name}"));
        return ClientInfo.From(client);
    }

    /// <summary>Every client the actor may see, by name, with its pool refilled to now (for the command line's list).</summary>
    public async Task<IReadOnlyList<ClientSummary>> ListAsync(Actor actor, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = await ClientVisibility.Clients(db, ClientVisibility.ManagerScope(access, actor)).AsNoTracking()
            .Include(c => c.Pool).OrderBy(c => c.Name).ToListAsync(ct);
        var now = clock.GetUtcNow();
        return rows.Select(c => new ClientSummary(ClientInfo.From(c), PoolSnapshot.From(c.Pool, now))).ToList();
    }

    private static Failure Taken(string name) =>
        new(FailureKind.Conflict, $"A client named '{name}' already exists.");
}

using Lumen.Domain.Access;
using Lumen.Domain.Clients;
using Lumen.Infrastructure.Clients;
using Lumen.Infrastructure.Audit;
using Lumen.Infrastructure.UseCases;
using Lumen.Infrastructure.Config;
using Lumen.Infrastructure.Changes;
using Lumen.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Infrastructure.Consent;

/// <summary>Recording and withdrawing consent for graylisted models (§5), by a client's managers or an admin.</summary>
public sealed class ConsentService(
    LumenDatabase contexts, ClientAccess access, ConfigState config,
    ChangeFeed changes, TimeProvider clock)
{
    /// <summary>Records consent; refused for a model that is not graylisted for the client; recording twice is harmless.</summary>
    public async Task<Outcome<ConsentInfo>> GrantAsync(Actor actor, string client, string model, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var found = await access.FindAsync(db, actor, client, ClientAction.ManageConsent, ct);
        if (!found.Succeeded) return found.Failure!;
        var row = found.Value!;
        if (config.InForce is not { } current) return new Failure(FailureKind.Invalid, "No valid config is loaded.");
        var decision = PoolMapping.Access(row).Decide(model, current.Models, hasConsent: false);
        if (!decision.IsGraylisted)
            return new Failure(FailureKind.Invalid, decision.Status == AccessStatus.NotFound
                ? $"Model '{model}' is not defined in the config."
                : $"Model '{model}' is not graylisted for '{row.Name}' ({decision.Explain()}): consent does not apply.");

        var existing = await Active(db, row.Id, model).FirstOrDefaultAsync(ct);
        if (existing is not null) return ConsentInfo.From(existing);
        var consent = new ConsentRow { ClientId = row.Id, Model = model, GrantedAt = clock.GetUtcNow().UtcDateTime, GrantedBy = actor.NormalizedEmail };
        db.Consents.Add(consent);
        AuditLog.Add(db, clock.GetUtcNow(), actor, AuditActions.ConsentRecorded, $"consent recorded for {model}", row);
        await db.SaveChangesAsync(ct);
        await changes.PublishAsync(new Change(row.Name, ChangeKind.ConsentChanged, $"{actor.NormalizedEmail} recorded consent for {model}"));
        return ConsentInfo.From(consent);
    }

    /// <summary>Withdraws the active consent; the record stays as history.</summary>
    public async Task<Outcome<ConsentInfo>> WithdrawAsync(Actor actor, string client, string model, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var found = await access.FindAsync(db, actor, client, ClientAction.ManageConsent, ct);
        if (!found.Succeeded) return found.Failure!;
        // All of them: grants racing each other (two instances, a double click) can each record one, and any
        // left active would keep the model allowed.
        var active = await Active(db, found.Value!.Id, model).OrderBy(c => c.Id).ToListAsync(ct);
        if (active.Count == 0) return new Failure(FailureKind.NotFound, $"'{found.Value.Name}' has no consent for '{model}'.");
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var row in active)
        {
            row.WithdrawnAt = now;
            row.WithdrawnBy = actor.NormalizedEmail;
        }
        var consent = active[0];
        AuditLog.Add(db, now, actor, AuditActions.ConsentWithdrawn, $"consent withdrawn for {model}", found.Value);
        await db.SaveChangesAsync(ct);
        await changes.PublishAsync(new Change(found.Value.Name, ChangeKind.ConsentChanged, $"{actor.NormalizedEmail} withdrew consent for {model}"));
        return ConsentInfo.From(consent);
    }

    /// <summary>The models a client has active consent for (the gateway and the detail page read this).</summary>
    public async Task<IReadOnlySet<string>> ConsentedModelsAsync(int clientId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var models = await db.Consents.AsNoTracking().Where(c => c.ClientId == clientId && c.WithdrawnAt == null)
            .Select(c => c.Model).ToListAsync(ct);
        return models.ToHashSet(StringComparer.Ordinal);
    }

    private static IQueryable<ConsentRow> Active(LumenDbContext db, int clientId, string model) =>
        db.Consents.Where(c => c.ClientId == clientId && c.Model == model && c.WithdrawnAt == null);
}

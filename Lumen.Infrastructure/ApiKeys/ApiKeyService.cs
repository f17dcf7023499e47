using Lumen.Domain.ApiKeys;
using Lumen.Domain.Clients;
using Lumen.Domain.Text;
using Lumen.Infrastructure.Clients;
using Lumen.Infrastructure.Audit;
using Lumen.Infrastructure.UseCases;
using Lumen.Infrastructure.Changes;
using Lumen.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Infrastructure.ApiKeys;

/// <summary>Creating, revoking and verifying API keys (§9). The full key exists only in the creator's hands.</summary>
public sealed class ApiKeyService(
    LumenDatabase contexts, ClientAccess access, ApiKeyHasher hasher,
    ChangeFeed changes, TimeProvider clock)
{
    public const int MaxLabelLength = 100;

    /// <summary>A new key for the client; the returned full key is the only time anyone sees it.</summary>
    public async Task<Outcome<CreatedKey>> CreateAsync(Actor actor, string client, string? label, CancellationToken ct = default)
    {
        var name = string.IsNullOrWhiteSpace(label) ? "" : label.Trim();
        if (name.Length > MaxLabelLength)
            return new Failure(FailureKind.Invalid, $"A key name has at most {MaxLabelLength} characters.");
        if (!StorableText.IsStorable(name)) return new Failure(FailureKind.Invalid, $"A key name {StorableText.Rule}");
        await using var db = await contexts.CreateDbContextAsync(ct);
        var found = await access.FindAsync(db, actor, client, ClientAction.ManageKeys, ct);
        if (!found.Succeeded) return found.Failure!;

        var key = ApiKeyFormat.Generate();
        var row = new ApiKeyRow
        {
            ClientId = found.Value!.Id,
            PublicId = key.PublicId,
            SecretHash = hasher.Hash(key.Secret),
            Name = name.Length > 0 ? name : "key " + key.PublicId[..4],
            Hint = key.Hint,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
            CreatedBy = actor.NormalizedEmail,
        };
        db.ApiKeys.Add(row);
        AuditLog.Add(db, clock.GetUtcNow(), actor, AuditActions.KeyCreated, $"key created {row.Hint} ({row.Name})", found.Value);
        await db.SaveChangesAsync(ct);
        await changes.PublishAsync(new Change(found.Value.Name, ChangeKind.KeysChanged, $"{actor.NormalizedEmail} created key {row.Hint}"));
        return new CreatedKey(ApiKeyInfo.From(row), key.FullKey);
    }

    /// <summary>Revokes a key given by public id, hint or full key; it fails on its next call. Revoking twice is harmless.</summary>
    public async Task<Outcome<ApiKeyInfo>> RevokeAsync(Actor actor, string client, string keyHintOrId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var found = await access.FindAsync(db, actor, client, ClientAction.ManageKeys, ct);
        if (!found.Succeeded) return found.Failure!;
        var publicId = PublicIdOf(keyHintOrId);
        var clientId = found.Value!.Id;
        var row = publicId is null ? null
            : await db.ApiKeys.FirstOrDefaultAsync(k => k.ClientId == clientId && k.PublicId == publicId, ct);
        if (row is null) return new Failure(FailureKind.NotFound, $"Client '{found.Value.Name}' has no key '{keyHintOrId}'.");
        if (row.RevokedAt is not null) return ApiKeyInfo.From(row);
        var (at, by) = (clock.GetUtcNow().UtcDateTime, actor.NormalizedEmail);
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            // Conditional, so that of two revokes at once (a double click, two instances) only the first records one.
            var revoked = await db.ApiKeys.Where(k => k.Id == row.Id && k.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, at).SetProperty(k => k.RevokedBy, by), ct);
            if (revoked == 0)
            {
                await db.Entry(row).ReloadAsync(ct);
                return ApiKeyInfo.From(row);
            }
            Tracked.Written(db.Entry(row).Property(k => k.RevokedAt), at);
            Tracked.Written(db.Entry(row).Property(k => k.RevokedBy), by);
            AuditLog.Add(db, clock.GetUtcNow(), actor, AuditActions.KeyRevoked, $"key revoked {row.Hint} ({row.Name})", found.Value);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        await changes.PublishAsync(new Change(found.Value.Name, ChangeKind.KeysChanged, $"{actor.NormalizedEmail} revoked key {row.Hint}"));
        return ApiKeyInfo.From(row);
    }

    public async Task<Outcome<IReadOnlyList<ApiKeyInfo>>> ListAsync(Actor actor, string client, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var found = await access.FindAsync(db, actor, client, ClientAction.View, ct);
        if (!found.Succeeded) return found.Failure!;
        var clientId = found.Value!.Id;
        var rows = await db.ApiKeys.AsNoTracking().Where(k => k.ClientId == clientId).OrderByDescending(k => k.CreatedAt).ToListAsync(ct);
        return rows.Select(ApiKeyInfo.From).ToList();
    }

    /// <summary>The public id inside a full key, a hint (<c>lmn_id_…abcd</c>) or the bare id.</summary>
    private static string? PublicIdOf(string text)
    {
        text = text.Trim();
        if (ApiKeyFormat.IsPublicId(text)) return text;
        var prefixed = text.StartsWith(ApiKeyFormat.Prefix, StringComparison.Ordinal) ? text[ApiKeyFormat.Prefix.Length..] : null;
        var id = prefixed?.Length >= ApiKeyFormat.PublicIdLength ? prefixed[..ApiKeyFormat.PublicIdLength] : null;
        return ApiKeyFormat.IsPublicId(id) ? id : null;
    }
}


using System.Globalization;
using Lumen.Domain.ApiKeys;
using Lumen.Domain.Clients;
using Lumen.Domain.Text;
using Lumen.Infrastructure.Clients;
using Lumen.Infrastructure.Audit;
using Lumen.Infrastructure.UseCases;
using Lumen.Infrastructure.Changes;
using Lumen.Infrastructure.Config;
using Lumen.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Infrastructure.ApiKeys;

/// <summary>
/// Creating, rotating, revoking and listing API keys (§9, §22). The full key exists only in the creator's hands.
/// </summary>
public sealed partial class ApiKeyService(
    LumenDatabase contexts, ClientAccess access, ApiKeyHasher hasher,
    ChangeFeed changes, TimeProvider clock, ConfigState config)
{
    public const int MaxLabelLength = 100;

    /// <summary>The config's key policy in force (§22): its ceiling on lifetimes.</summary>
    public KeyPolicy Policy => config.InForce?.Keys ?? KeyPolicy.None;

    /// <summary>
    /// A new key for the client; the returned full key is the only time anyone sees it. Without a
    /// <paramref name="lifetime"/> it gets the command line's default (§22: the ceiling, or never).
    /// </summary>
    public async Task<Outcome<CreatedKey>> CreateAsync(Actor actor, string client, string? label, KeyLifetime? lifetime = null,
        CancellationToken ct = default)
    {
        var name = string.IsNullOrWhiteSpace(label) ? "" : label.Trim();
        if (name.Length > MaxLabelLength)
            return new Failure(FailureKind.Invalid, $"A key name has at most {MaxLabelLength} characters.");
        if (!StorableText.IsStorable(name)) return new Failure(FailureKind.Invalid, $"A key name {StorableText.Rule}");
        var now = clock.GetUtcNow();
        lifetime ??= Policy.CommandLineDefault;
        if (lifetime.Refusal(now, Policy) is { } refused) return new Failure(FailureKind.Invalid, refused);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var found = await access.FindAsync(db, actor, client, ClientAction.ManageKeys, ct);
        if (!found.Succeeded) return found.Failure!;

        var (row, fullKey) = NewRow(found.Value!.Id, name, actor, now, lifetime.ExpiresAt(now));
        db.ApiKeys.Add(row);
        AuditLog.Add(db, now, actor, AuditActions.KeyCreated, $"key created {row.Hint} ({row.Name}), {Expiry(row.ExpiresAt)}", found.Value);
        await db.SaveChangesAsync(ct);
        await changes.PublishAsync(new Change(found.Value.Name, ChangeKind.KeysChanged, $"{actor.NormalizedEmail} created key {row.Hint}"));
        return new CreatedKey(ApiKeyInfo.From(row), fullKey);
    }

    /// <summary>Revokes a key given by public id, hint or full key; it fails on its next call. Revoking twice is harmless.</summary>
    public async Task<Outcome<ApiKeyInfo>> RevokeAsync(Actor actor, string client, string keyHintOrId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var found = await access.FindAsync(db, actor, client, ClientAction.ManageKeys, ct);
        if (!found.Succeeded) return found.Failure!;
        var row = await FindKeyAsync(db, found.Value!.Id, keyHintOrId, ct);
        if (row is null) return NoSuchKey(found.Value.Name, keyHintOrId);
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

    /// <summary>The client's keys, newest first, each naming the key that replaced it.</summary>
    public async Task<Outcome<IReadOnlyList<ApiKeyInfo>>> ListAsync(Actor actor, string client, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var found = await access.FindAsync(db, actor, client, ClientAction.View, ct);
        if (!found.Succeeded) return found.Failure!;
        var clientId = found.Value!.Id;
        var rows = await db.ApiKeys.AsNoTracking().Where(k => k.ClientId == clientId)
            .OrderByDescending(k => k.CreatedAt).ThenByDescending(k => k.Id).ToListAsync(ct);
        return ApiKeyInfo.FromAll(rows);
    }

    /// <summary>
    /// How many working keys outlive the ceiling of <paramref name="maxDays"/> from now (§22: keys that existed when a
    /// ceiling appeared keep their lifetime; admins are told how many).
    /// </summary>
    public async Task<int> CountBeyondCeilingAsync(int maxDays, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var limit = now.AddDays(maxDays);
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.ApiKeys.CountAsync(k => k.RevokedAt == null && (k.ExpiresAt == null || k.ExpiresAt > limit), ct);
    }

    private (ApiKeyRow Row, string FullKey) NewRow(int clientId, string name, Actor actor, DateTimeOffset now, DateTimeOffset? expires)
    {
        var key = ApiKeyFormat.Generate();
        var row = new ApiKeyRow
        {
            ClientId = clientId,
            PublicId = key.PublicId,
            SecretHash = hasher.Hash(key.Secret),
            Name = name.Length > 0 ? name : "key " + key.PublicId[..4],
            Hint = key.Hint,
            CreatedAt = now.UtcDateTime,
            CreatedBy = actor.NormalizedEmail,
            ExpiresAt = expires?.UtcDateTime,
        };
        return (row, key.FullKey);
    }

    private static Task<ApiKeyRow?> FindKeyAsync(LumenDbContext db, int clientId, string keyHintOrId, CancellationToken ct)
    {
        var publicId = PublicIdOf(keyHintOrId);
        return publicId is null ? Task.FromResult<ApiKeyRow?>(null)
            : db.ApiKeys.FirstOrDefaultAsync(k => k.ClientId == clientId && k.PublicId == publicId, ct);
    }

    private static Failure NoSuchKey(string client, string keyHintOrId) =>
        new(FailureKind.NotFound, $"Client '{client}' has no key '{keyHintOrId}'.");

    /// <summary>"expires 2026-06-01 09:00 UTC" or "never expires", for the audit trail.</summary>
    private static string Expiry(DateTime? at) => at is { } when ? "expires " + Utc(when) : "never expires";

    private static string Utc(DateTime at) => at.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC";

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

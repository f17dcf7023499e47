using Lumen.Domain.ApiKeys;
using Lumen.Domain.Clients;
using Lumen.Infrastructure.Audit;
using Lumen.Infrastructure.Changes;
using Lumen.Infrastructure.Persistence;
using Lumen.Infrastructure.UseCases;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Infrastructure.ApiKeys;

/// <summary>A rotation's result: the successor (its full key shown once) and the old key with its new expiry.</summary>
public sealed record RotatedKey(CreatedKey Successor, ApiKeyInfo Old);

public sealed partial class ApiKeyService
{
    /// <summary>
    /// Rotation (§22): a successor with the same name and a lifetime of the same length from now (within the ceiling),
    /// and the old key expiring after <paramref name="grace"/> (never later than it would have). Only a working key that
    /// has not been rotated already may be; of two rotations at once, one wins and the other is told.
    /// </summary>
    public async Task<Outcome<RotatedKey>> RotateAsync(Actor actor, string client, string keyHintOrId, KeyGrace grace,
        CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var found = await access.FindAsync(db, actor, client, ClientAction.ManageKeys, ct);
        if (!found.Succeeded) return found.Failure!;
        var old = await FindKeyAsync(db, found.Value!.Id, keyHintOrId, ct);
        if (old is null) return NoSuchKey(found.Value.Name, keyHintOrId);
        var now = clock.GetUtcNow();
        if (NotRotatable(old, now) is { } why) return new Failure(FailureKind.Conflict, why);

        var length = KeyLifetime.SuccessorLength(StoredTime.Utc(old.CreatedAt), StoredTime.Utc(old.ExpiresAt), Policy);
        var (successor, fullKey) = NewRow(old.ClientId, old.Name, actor, now, length is { } l ? now + l : null);
        var graceEnd = (now + grace.Length).UtcDateTime;
        var oldEnd = old.ExpiresAt is { } was && was < graceEnd ? was : graceEnd;
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            db.ApiKeys.Add(successor);
            await db.SaveChangesAsync(ct);
            // Conditional, so that of two rotations at once (a double click, two instances) only one succeeds.
            var moved = await db.ApiKeys.Where(k => k.Id == old.Id && k.ReplacedById == null && k.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(k => k.ReplacedById, successor.Id).SetProperty(k => k.ExpiresAt, oldEnd), ct);
            if (moved == 0)
            {
                await tx.RollbackAsync(ct);
                return new Failure(FailureKind.Conflict, $"Key {old.Hint} was rotated or revoked just now by someone else.");
            }
            Tracked.Written(db.Entry(old).Property(k => k.ReplacedById), successor.Id);
            Tracked.Written(db.Entry(old).Property(k => k.ExpiresAt), oldEnd);
            AuditLog.Add(db, now, actor, AuditActions.KeyRotated,
                $"key rotated {old.Hint} ({old.Name}) → {successor.Hint}, grace {grace.Describe()}: " +
                $"old key {Expiry(oldEnd)}, new key {Expiry(successor.ExpiresAt)}", found.Value);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        await changes.PublishAsync(new Change(found.Value.Name, ChangeKind.KeysChanged,
            $"{actor.NormalizedEmail} rotated key {old.Hint} to {successor.Hint}"));
        return new RotatedKey(new CreatedKey(ApiKeyInfo.From(successor), fullKey), ApiKeyInfo.From(old, successor.Hint));
    }

    private static string? NotRotatable(ApiKeyRow key, DateTimeOffset now) =>
        key.RevokedAt is not null ? $"Key {key.Hint} is revoked: create a new key instead."
        : key.ExpiresAt <= now.UtcDateTime ? $"Key {key.Hint} has expired: create a new key instead."
        : key.ReplacedById is not null ? $"Key {key.Hint} was already rotated and works until {Utc(key.ExpiresAt!.Value)}; rotate its successor instead."
        : null;
}

using System.Collections.Concurrent;
using Lumen.Domain.ApiKeys;
using Lumen.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Infrastructure.ApiKeys;

/// <summary>
/// The one check of a presented API key (§9): format, public id (compared again in ordinal case, for collations that
/// ignore it), secret by HMAC in constant time. One query reads the key with its client and pool, which is all a
/// model call needs to be admitted.
/// </summary>
public sealed class KeyVerifier(LumenDatabase contexts, ApiKeyHasher hasher)
{
    /// <summary>The key's status, client and key id (§9, §10): what the portal's tools and tests ask.</summary>
    public async Task<KeyCheck> VerifyAsync(string? presented, CancellationToken ct = default)
    {
        var caller = await FindAsync(presented, ct);
        if (caller is null || caller.Revoked) return KeyCheck.Invalid;
        return new KeyCheck(caller.Client.IsActive ? KeyStatus.Valid : KeyStatus.ClientInactive, caller.Client.Id, caller.Client.Name, caller.KeyId);
    }

    /// <summary>
    /// The key whose secret matched, revoked or not, with its client and pool; null when the key is missing,
    /// malformed or unknown, or its secret is wrong (nobody proved to hold a key of ours).
    /// </summary>
    internal async Task<Caller?> FindAsync(string? presented, CancellationToken ct)
    {
        if (!ApiKeyFormat.TryParse(presented, out var publicId, out var secret)) return null;
        await using var db = await contexts.CreateDbContextAsync(ct);
        var caller = await FindCaller(db)(db, publicId, ct);
        // Compared again here: SQL Server's usual collation ignores case, and base62 ids do not.
        if (caller is null || !string.Equals(caller.PublicId, publicId, StringComparison.Ordinal)) return null;
        return hasher.Matches(secret, caller.SecretHash) ? caller : null;
    }

    // Compiled once per context type (one per provider), so a call skips LINQ translation and the query cache lookup.
    private static readonly ConcurrentDictionary<Type, Func<LumenDbContext, string, CancellationToken, Task<Caller?>>> CallerQueries = new();

    private static Func<LumenDbContext, string, CancellationToken, Task<Caller?>> FindCaller(LumenDbContext db) =>
        CallerQueries.GetOrAdd(db.GetType(), _ => EF.CompileAsyncQuery((LumenDbContext db, string publicId, CancellationToken ct) => (
            from k in db.ApiKeys.AsNoTracking()
            join c in db.Clients on k.ClientId equals c.Id
            join p in db.CoinPools on c.Id equals p.ClientId
            where k.PublicId == publicId
            select new Caller(k.Id, k.PublicId, k.SecretHash, k.RevokedAt != null, c, p)).FirstOrDefault()));
}

/// <summary>The key presented, its client and the client's pool, as read for one call.</summary>
internal sealed record Caller(int KeyId, string PublicId, byte[] SecretHash, bool Revoked, ClientRow Client, CoinPoolRow Pool);

using Lumen.Domain.Access;
using Lumen.Domain.ApiKeys;
using Lumen.Infrastructure.Persistence;

namespace Lumen.Infrastructure.ApiKeys;

/// <summary>
/// The one check of a presented API key (§9): format, public id (compared again in ordinal case, for collations that
/// ignore it), secret by HMAC in constant time. One query reads the key with its client and pool, which is all a
/// model call needs to be admitted, its expiry included (compared with the clock, no statement of its own). It is read
/// on every call, never cached: a revoked key or a deactivated client fails at once on every instance. On PostgreSQL,
/// calls that arrive together are read together (<see cref="CallerBatches"/>).
/// </summary>
public sealed class KeyVerifier : IAsyncDisposable
{
    private readonly CallerConnections _connections;
    private readonly CallerBatches? _batches;
    private readonly ApiKeyHasher _hasher;

    private readonly TimeProvider _clock;

    public KeyVerifier(LumenDatabase contexts, ApiKeyHasher hasher, DatabaseOptions database, TimeProvider clock)
    {
        _clock = clock;
        _connections = new CallerConnections(contexts);
        if (database.Dialect.GroupsKeyLookups) _batches = new CallerBatches(_connections);
        _hasher = hasher;
    }

    /// <summary>The grouping of lookups (where the database groups them: PostgreSQL), or null where each call reads alone.</summary>
    internal CallerBatches? Batches => _batches;

    /// <summary>The key's status, client and key id (§9, §10): what the portal's tools and tests ask.</summary>
    public async Task<KeyCheck> VerifyAsync(string? presented, CancellationToken ct = default)
    {
        var caller = await FindAsync(presented, ct);
        if (caller is null || caller.Revoked || caller.ExpiredAt(_clock.GetUtcNow())) return KeyCheck.Invalid;
        return new KeyCheck(caller.Client.IsActive ? KeyStatus.Valid : KeyStatus.ClientInactive, caller.Client.Id, caller.Client.Name, caller.KeyId);
    }

    /// <summary>
    /// The key whose secret matched, revoked or not, with its client and pool; null when the key is missing,
    /// malformed or unknown, or its secret is wrong (nobody proved to hold a key of ours).
    /// </summary>
    internal async Task<Caller?> FindAsync(string? presented, CancellationToken ct)
    {
        if (!ApiKeyFormat.TryParse(presented, out var publicId, out var secret)) return null;
        var caller = await (_batches is { } batches ? batches.FindAsync(publicId, ct) : _connections.FindAsync(publicId, ct));
        // Compared again here: SQL Server's usual collation ignores case, and base62 ids do not.
        if (caller is null || !string.Equals(caller.PublicId, publicId, StringComparison.Ordinal)) return null;
        return _hasher.Matches(secret, caller.SecretHash) ? caller : null;
    }

    public ValueTask DisposeAsync() => _connections.DisposeAsync();
}

/// <summary>The key presented, its client and the client's pool, as read for one call.</summary>
internal sealed record Caller(int KeyId, string PublicId, byte[] SecretHash, bool Revoked, DateTime? ExpiresAt, CallerClient Client, CoinPoolRow Pool)
{
    /// <summary>Whether the key had expired at <paramref name="now"/> (§22): read with the key, so it costs no statement.</summary>
    public bool ExpiredAt(DateTimeOffset now) => ExpiresAt <= now.UtcDateTime;
}

/// <summary>What a call reads of the client: who it is, whether it may call, and its model access as stored.</summary>
internal sealed record CallerClient(int Id, string Name, bool IsActive, string AccessDefault, List<string> Blacklist, List<string> Whitelist,
    List<string> Graylist)
{
    /// <exception cref="InvalidDataException">The stored access default is not one we write.</exception>
    public ModelAccessRule Access() => PoolMapping.Access(Name, AccessDefault, Blacklist, Whitelist, Graylist);
}

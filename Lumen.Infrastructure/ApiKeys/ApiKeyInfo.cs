using Lumen.Infrastructure.Persistence;

namespace Lumen.Infrastructure.ApiKeys;

public enum ApiKeyStatus { Active, Expired, Revoked }

/// <summary>
/// An API key as the portal lists it (§8, §9, §22): its public id and hint, never its secret or hash; times in UTC.
/// <see cref="ReplacedBy"/> is the hint of the key that replaced it at rotation.
/// </summary>
public sealed record ApiKeyInfo(
    string PublicId,
    string Name,
    string Hint,
    DateTime CreatedAt,
    string CreatedBy,
    DateTime? LastUsedAt,
    DateTime? RevokedAt,
    string? RevokedBy,
    DateTime? ExpiresAt = null,
    string? ReplacedBy = null)
{
    /// <summary>Days a key goes unused before the table's "unused" filter shows it (§22).</summary>
    public const int UnusedDays = 30;

    /// <summary>Days ahead the table's "expiring" filter looks (§22).</summary>
    public const int ExpiringDays = 14;

    /// <summary>A revoked or expired key stays listed (its usage stays attributable) and is refused on every call.</summary>
    public ApiKeyStatus StatusAt(DateTimeOffset now) =>
        RevokedAt is not null ? ApiKeyStatus.Revoked
        : ExpiresAt <= now.UtcDateTime ? ApiKeyStatus.Expired
        : ApiKeyStatus.Active;

    /// <summary>Replaced and still working: in its grace period, which a second rotation may not shorten or lengthen.</summary>
    public bool InGraceAt(DateTimeOffset now) => ReplacedBy is not null && StatusAt(now) == ApiKeyStatus.Active;

    /// <summary>Working now and expiring within <see cref="ExpiringDays"/> days.</summary>
    public bool ExpiresSoonAt(DateTimeOffset now) =>
        StatusAt(now) == ApiKeyStatus.Active && ExpiresAt <= now.UtcDateTime.AddDays(ExpiringDays);

    /// <summary>Working now and not used (or, never used, not created) in the last <see cref="UnusedDays"/> days.</summary>
    public bool UnusedAt(DateTimeOffset now) =>
        StatusAt(now) == ApiKeyStatus.Active && (LastUsedAt ?? CreatedAt) <= now.UtcDateTime.AddDays(-UnusedDays);

    /// <summary>A row as listed; <paramref name="successorHint"/> is the hint of the key with id <c>ReplacedById</c>.</summary>
    internal static ApiKeyInfo From(ApiKeyRow row, string? successorHint = null) => new(row.PublicId, row.Name, row.Hint,
        StoredTime.Utc(row.CreatedAt), row.CreatedBy, StoredTime.Utc(row.LastUsedAt), StoredTime.Utc(row.RevokedAt), row.RevokedBy,
        StoredTime.Utc(row.ExpiresAt), successorHint);

    /// <summary>Rows of one client as listed, each naming its successor among them.</summary>
    internal static List<ApiKeyInfo> FromAll(IReadOnlyList<ApiKeyRow> rows)
    {
        var hints = rows.ToDictionary(r => r.Id, r => r.Hint);
        return [.. rows.Select(r => From(r, r.ReplacedById is { } next ? hints.GetValueOrDefault(next) : null))];
    }
}

/// <summary>A just-created key: what is stored about it and the full key, to be shown once.</summary>
public sealed record CreatedKey(ApiKeyInfo Key, string FullKey);

using Lumen.Infrastructure.Persistence;

namespace Lumen.Infrastructure.ApiKeys;

public enum ApiKeyStatus { Active, Revoked }

/// <summary>An API key as the portal lists it (§8, §9): its public id and hint, never its secret or hash; times in UTC.</summary>
public sealed record ApiKeyInfo(
    string PublicId,
    string Name,
    string Hint,
    DateTime CreatedAt,
    string CreatedBy,
    DateTime? LastUsedAt,
    DateTime? RevokedAt,
    string? RevokedBy)
{
    /// <summary>A revoked key stays listed (its usage stays attributable) and is refused from its next call.</summary>
    public ApiKeyStatus Status => RevokedAt is null ? ApiKeyStatus.Active : ApiKeyStatus.Revoked;

    internal static ApiKeyInfo From(ApiKeyRow row) => new(row.PublicId, row.Name, row.Hint, StoredTime.Utc(row.CreatedAt),
        row.CreatedBy, StoredTime.Utc(row.LastUsedAt), StoredTime.Utc(row.RevokedAt), row.RevokedBy);
}

/// <summary>A just-created key: what is stored about it and the full key, to be shown once.</summary>
public sealed record CreatedKey(ApiKeyInfo Key, string FullKey);

using Lumen.Infrastructure.Persistence;

namespace Lumen.Infrastructure.Consent;

/// <summary>Consent for a graylisted model (§5), active or withdrawn (withdrawn ones stay as history); times in UTC.</summary>
public sealed record ConsentInfo(string Model, DateTime GrantedAt, string GrantedBy, DateTime? WithdrawnAt, string? WithdrawnBy)
{
    internal static ConsentInfo From(ConsentRow row) =>
        new(row.Model, StoredTime.Utc(row.GrantedAt), row.GrantedBy, StoredTime.Utc(row.WithdrawnAt), row.WithdrawnBy);
}

using Lumen.Domain.Access;
using Lumen.Domain.Budget;

namespace Lumen.Domain.Config;

/// <summary>A client's effective settings and where each came from (§2.1), so the portal can explain them.</summary>
public sealed record ClientSettings(
    EntrySource Source,
    BudgetSettings Budget,
    ModelAccessRule Access,
    FieldSource MaxSource,
    FieldSource RefreshSource,
    FieldSource StartingSource,
    FieldSource AccessSource)
{
    /// <summary>No named entry and no default: max 0 and no model access.</summary>
    public static readonly ClientSettings Nothing = new(EntrySource.NoEntry, BudgetSettings.Blocked, ModelAccessRule.DenyAll,
        FieldSource.Omitted, FieldSource.Omitted, FieldSource.Omitted, FieldSource.Omitted);

    /// <summary>Exactly what the entry says; every omitted field is 0 / denied, never taken from elsewhere.</summary>
    public static ClientSettings FromEntry(ClientEntry entry, EntrySource source) => new(
        source,
        new BudgetSettings(entry.Max ?? 0m, entry.Refresh ?? 0m, entry.Starting ?? 0m),
        entry.ModelAccess?.ToRule() ?? ModelAccessRule.DenyAll,
        Of(entry.Max), Of(entry.Refresh), Of(entry.Starting),
        entry.ModelAccess is null ? FieldSource.Omitted : FieldSource.Entry);

    /// <summary>Same effective budget and access, whatever the provenance.</summary>
    public bool SameEffect(ClientSettings other) => Budget == other.Budget && Access.Equals(other.Access);

    private static FieldSource Of(decimal? value) => value is null ? FieldSource.Omitted : FieldSource.Entry;
}

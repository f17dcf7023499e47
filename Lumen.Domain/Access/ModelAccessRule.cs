using Lumen.Domain.Models;

namespace Lumen.Domain.Access;

/// <summary>A client's <c>model_access</c>: a default mode and three lists (§5).</summary>
public sealed record ModelAccessRule
{
    public AccessMode Default { get; }
    public IReadOnlySet<string> Blacklist { get; }
    public IReadOnlySet<string> Whitelist { get; }
    public IReadOnlySet<string> Graylist { get; }

    public ModelAccessRule(AccessMode @default, IEnumerable<string>? blacklist = null,
        IEnumerable<string>? whitelist = null, IEnumerable<string>? graylist = null)
    {
        Default = @default;
        Blacklist = ToSet(blacklist);
        Whitelist = ToSet(whitelist);
        Graylist = ToSet(graylist);
    }

    /// <summary>Omitted <c>model_access</c>: every model denied.</summary>
    public static readonly ModelAccessRule DenyAll = new(AccessMode.Blacklist);

    /// <summary>§5, first match wins: not defined → blacklist → graylist → whitelist → default mode.</summary>
    public AccessDecision Decide(string model, ModelCatalog models, bool hasConsent)
    {
        if (models.FindActive(model) is null) return new(AccessStatus.NotFound, AccessRuleKind.ModelNotDefined);
        if (Blacklist.Contains(model)) return new(AccessStatus.Denied, AccessRuleKind.Blacklist);
        if (Graylist.Contains(model)) return Gray(AccessRuleKind.Graylist, hasConsent);
        if (Whitelist.Contains(model)) return new(AccessStatus.Allowed, AccessRuleKind.Whitelist);
        return Default switch
        {
            AccessMode.Whitelist => new(AccessStatus.Allowed, AccessRuleKind.DefaultMode, Default),
            AccessMode.Blacklist => new(AccessStatus.Denied, AccessRuleKind.DefaultMode, Default),
            _ => Gray(AccessRuleKind.DefaultMode, hasConsent) with { DefaultMode = Default },
        };
    }

    /// <summary>Models named in more than one list (the most restrictive list wins; worth a warning).</summary>
    public IEnumerable<string> ModelsInSeveralLists() =>
        Blacklist.Concat(Whitelist).Concat(Graylist)
            .GroupBy(m => m, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key);

    private static AccessDecision Gray(AccessRuleKind rule, bool hasConsent) =>
        new(hasConsent ? AccessStatus.Consented : AccessStatus.NeedsConsent, rule);

    private static HashSet<string> ToSet(IEnumerable<string>? models) => new(models ?? [], StringComparer.Ordinal);

    // Sets compare by reference in records; compare contents so a reload can tell "unchanged".
    public bool Equals(ModelAccessRule? other) =>
        other is not null && Default == other.Default && Blacklist.SetEquals(other.Blacklist)
        && Whitelist.SetEquals(other.Whitelist) && Graylist.SetEquals(other.Graylist);

    public override int GetHashCode() => HashCode.Combine(Default, Blacklist.Count, Whitelist.Count, Graylist.Count);
}

using Lumen.Domain.Access;
using Lumen.Domain.Budget;

namespace Lumen.Domain.Config;

/// <summary>The effective settings stored with a client when a config is applied; what a reload compares and reports.</summary>
public sealed record AppliedSettings(EntrySource Source, BudgetSettings Budget, ModelAccessRule Access)
{
    public static AppliedSettings From(ClientSettings settings) => new(settings.Source, settings.Budget, settings.Access);

    /// <summary>A short account of what differs, e.g. "max 100 → 50; whitelist +llama3".</summary>
    public string DescribeChangeFrom(AppliedSettings before)
    {
        var parts = new List<string>();
        if (before.Source != Source) parts.Add($"source {before.Source} → {Source}");
        Compare("max", before.Budget.Max, Budget.Max);
        Compare("refresh", before.Budget.RefreshPerHour, Budget.RefreshPerHour);
        Compare("starting", before.Budget.Starting, Budget.Starting);
        if (before.Access.Default != Access.Default) parts.Add($"default {Lower(before.Access.Default)} → {Lower(Access.Default)}");
        List("blacklist", before.Access.Blacklist, Access.Blacklist);
        List("whitelist", before.Access.Whitelist, Access.Whitelist);
        List("graylist", before.Access.Graylist, Access.Graylist);
        return parts.Count == 0 ? "no change" : string.Join("; ", parts);

        void Compare(string name, Coins old, Coins now)
        {
            if (old != now) parts.Add($"{name} {old} → {now}");
        }

        void List(string name, IReadOnlySet<string> old, IReadOnlySet<string> now)
        {
            var added = now.Except(old).Order(StringComparer.Ordinal).Select(m => "+" + m);
            var removed = old.Except(now).Order(StringComparer.Ordinal).Select(m => "-" + m);
            var diff = string.Join(" ", added.Concat(removed));
            if (diff.Length > 0) parts.Add($"{name} {diff}");
        }
    }

    private static string Lower(AccessMode mode) => mode.ToString().ToLowerInvariant();
}

using Lumen.Infrastructure.Changes;
using Lumen.Portal.Display;

namespace Lumen.Portal.Live;

/// <summary>The short notice a live view shows after refreshing: what changed, in a sentence.</summary>
public static class ChangeNotice
{
    private const int MaxListed = 3;

    /// <summary>The notice a view shows after a refresh at <paramref name="now"/>; null when there is nothing to say.</summary>
    public static string? Updated(DateTimeOffset now, IReadOnlyCollection<Change> changes) =>
        Describe(changes) is { } notice ? $"Updated {now:HH:mm:ss} UTC: {notice}" : null;

    /// <summary>Describes the changes (already filtered to what the viewer may see); null when there is nothing to say.</summary>
    public static string? Describe(IReadOnlyCollection<Change> changes)
    {
        // A config load only makes views refresh: what it changed arrives as the clients' own changes.
        var events = changes.Where(c => c.Kind is not (ChangeKind.UsageChanged or ChangeKind.ConfigLoaded))
            .Select(c => c.Kind == ChangeKind.SettingsApplied && !c.IsGeneral ? $"{c.Client}: config {c.Summary}" : c.Summary)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var usage = changes.Where(c => c.Kind == ChangeKind.UsageChanged).ToList();
        var used = usage.Select(c => c.Client).Distinct(StringComparer.Ordinal).Count();

        var parts = events.Take(MaxListed).ToList();
        if (events.Count > MaxListed) parts.Add($"{Words.Count(events.Count - MaxListed, "more change", "more changes")}");
        if (usage.Find(c => c.IsGeneral) is { } many) parts.Add(many.Summary);
        else if (used > 0) parts.Add(used == 1 ? $"new usage for {usage[0].Client}" : $"new usage for {used} clients");
        return parts.Count == 0 ? null : string.Join("; ", parts);
    }
}

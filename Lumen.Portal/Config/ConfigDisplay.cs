using System.Globalization;
using Lumen.Domain.Budget;
using Lumen.Domain.Config;
using Lumen.Domain.Models;

namespace Lumen.Portal.Config;

/// <summary>The words the portal uses for config values, so every page says "unlimited", "blocked" and "omitted" alike.</summary>
public static class ConfigDisplay
{
    public const string Unlimited = "unlimited";
    public const string Blocked = "blocked";
    public const string None = "(none)";

    /// <summary>The cap: -2 is "unlimited", 0 "blocked"; an omitted max says so (§2.1: omitted means blocked).</summary>
    public static string Max(ClientSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var text = settings.Budget.Kind switch
        {
            BudgetKind.Unlimited => Unlimited,
            BudgetKind.Blocked => Blocked,
            _ => $"{settings.Budget.Max} coins",
        };
        return Sourced(text, settings.MaxSource);
    }

    public static string Refresh(ClientSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return Sourced($"{settings.Budget.RefreshPerHour} coins/hour", settings.RefreshSource);
    }

    public static string Starting(ClientSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return Sourced($"{settings.Budget.Starting} coins", settings.StartingSource);
    }

    /// <summary>The default mode, or that an omitted <c>model_access</c> denies every model.</summary>
    public static string AccessDefault(ClientSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.AccessSource == FieldSource.Omitted
            ? "omitted: every model denied"
            : settings.Access.Default.ToString().ToLowerInvariant();
    }

    public static string List(IEnumerable<string> models)
    {
        var sorted = models.Order(StringComparer.Ordinal).ToList();
        return sorted.Count == 0 ? None : string.Join(", ", sorted);
    }

    public static string Cost(Coins perMillion) => perMillion.ToString();

    /// <summary>"built in" for the local dummy, else the upstream endpoints (never their keys).</summary>
    public static string ServedBy(ModelDefinition model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.IsBuiltInDummy) return "built in";
        if (model.Endpoints.Count == 0) return "no endpoints";
        return string.Join(", ", model.Endpoints.Select(e =>
            e.UpstreamModel == model.Name ? e.Url : $"{e.Url} ({e.UpstreamModel})"));
    }

    public static string Time(DateTimeOffset at) =>
        at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    private static string Sourced(string text, FieldSource source) =>
        source == FieldSource.Omitted ? $"{text} (omitted)" : text;
}

using Lumen.Domain.Access;
using Lumen.Domain.Config;
using Lumen.Domain.Models;

namespace Lumen.Portal.Display;

public static partial class Words
{
    /// <summary>A model access mode as the config file writes it: "whitelist", "blacklist", "graylist".</summary>
    public static string Mode(AccessMode mode) => mode.ToString().ToLowerInvariant();

    /// <summary>The default mode of an entry, or that an omitted <c>model_access</c> denies every model.</summary>
    public static string AccessDefault(ClientSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.AccessSource == FieldSource.Omitted ? "omitted: every model denied" : Mode(settings.Access.Default);
    }

    /// <summary>A list of models, sorted, or "(none)".</summary>
    public static string List(IEnumerable<string> models)
    {
        var sorted = models.Order(StringComparer.Ordinal).ToList();
        return sorted.Count == 0 ? "(none)" : string.Join(", ", sorted);
    }

    /// <summary>A model's access status for a client (§5).</summary>
    public static string Status(AccessStatus status) => status switch
    {
        AccessStatus.Allowed => "Allowed",
        AccessStatus.Denied => "Denied",
        AccessStatus.NeedsConsent => "Needs consent",
        AccessStatus.Consented => "Consented",
        _ => "Unavailable",
    };

    /// <summary>"built in" for the local dummy, else the upstream endpoints (never their keys).</summary>
    public static string ServedBy(ModelDefinition model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.IsBuiltInDummy) return "built in";
        if (model.Endpoints.Count == 0) return "no endpoints";
        return string.Join(", ", model.Endpoints.Select(e =>
            e.UpstreamModel == model.Name ? e.Url : $"{e.Url} ({e.UpstreamModel})"));
    }
}

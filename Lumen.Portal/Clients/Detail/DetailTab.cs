namespace Lumen.Portal.Clients.Detail;

/// <summary>
/// A tab of the client detail page: its own URL (<c>/clients/{name}/{slug}</c>; Usage, the default, is
/// <c>/clients/{name}</c>), so a link opens it and the browser's back button returns to the one before.
/// </summary>
public sealed record DetailTab(string Slug, string Label)
{
    public static readonly DetailTab Usage = new("", "Usage");
    public static readonly DetailTab Access = new("access", "Access");
    public static readonly DetailTab Keys = new("keys", "Keys");
    public static readonly DetailTab Managers = new("managers", "Managers");
    public static readonly DetailTab Log = new("log", "Request log");
    public static readonly DetailTab History = new("history", "History");

    /// <summary>The tabs in the order they are shown.</summary>
    public static readonly IReadOnlyList<DetailTab> All = [Usage, Access, Keys, Managers, Log, History];

    /// <summary>The tab a URL segment names; none, or one no tab has, is the default (a mistyped link still opens the client).</summary>
    public static DetailTab Of(string? slug) =>
        All.FirstOrDefault(t => t.Slug.Length > 0 && string.Equals(t.Slug, slug?.Trim(), StringComparison.OrdinalIgnoreCase)) ?? Usage;

    /// <summary>The element id of the tab (the panel is labelled by it).</summary>
    public string Id => "client-tab-" + (Slug.Length == 0 ? "usage" : Slug);

    /// <summary>This tab of <paramref name="client"/>, relative to the site's base.</summary>
    public string Href(string client) =>
        $"clients/{Uri.EscapeDataString(client)}" + (Slug.Length == 0 ? "" : "/" + Slug);
}

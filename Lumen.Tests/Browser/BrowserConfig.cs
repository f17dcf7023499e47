namespace Lumen.Tests.Browser;

/// <summary>
/// The config the browser tests' portals start with. The dummy model costs coins here (1 per thousand input
/// tokens, 2 per thousand output tokens) so a call through the gateway shows in the Coins column.
/// </summary>
internal static class BrowserConfig
{
    public const string Admin = "admin@example.org";

    public static string Yaml(string admins = Admin, string namedEntries = "") => $"""
        admins: [{admins}]
        models:
          - name: dummy
            input_cost_per_million: 1000.0
            output_cost_per_million: 2000.0
        clients:
          default:
            max: 100.0
            refresh: 0.05
            starting: 100.0
            model_access:
              default: blacklist
              whitelist: [dummy]
          {Indent(namedEntries)}
        """;

    /// <summary>Entries written at column 0 ("name:\n  max: 5") go under <c>clients:</c>.</summary>
    private static string Indent(string entries) =>
        string.Join("\n  ", entries.Split('\n', StringSplitOptions.RemoveEmptyEntries));
}

namespace Lumen.Portal.Cli;

/// <summary>
/// The verbs and their arguments, apart from configuration switches (<c>--config PATH</c>, <c>--Database:Provider X</c>,
/// <c>--key=value</c>), which the host's configuration reads. Options of verbs (<c>--name</c>, <c>--client</c>,
/// <c>--actor</c>, <c>--since</c>, <c>--limit</c>) are in <see cref="Options"/>, by name without the dashes.
/// </summary>
public sealed record CliArguments(string[] Words, IReadOnlyDictionary<string, string> Options)
{
    /// <summary>The key label of <c>keys create</c>.</summary>
    public string? Name => Option("name");

    public string? Option(string name) => Options.TryGetValue(name, out var value) ? value : null;

    // The host's own switches and any configuration key (Section:Key): read by the configuration, not by a verb.
    private static readonly string[] HostSwitches = ["config", "environment", "contentRoot", "applicationName"];

    /// <summary>
    /// The first option that is neither one of <paramref name="known"/> nor a configuration switch, or null: a verb never
    /// ignores an option it does not know (§22), as <c>keys create kc --expire 365</c> once silently did.
    /// </summary>
    public string? UnknownOption(IReadOnlyCollection<string> known) => Options.Keys.FirstOrDefault(o =>
        !known.Contains(o) && !HostSwitches.Contains(o, StringComparer.OrdinalIgnoreCase) && !o.Contains(':', StringComparison.Ordinal));

    /// <summary>Any bare word makes a command line run (an unknown verb then gets the usage, not a server).</summary>
    public static bool IsCommand(string[] args) => Parse(args).Words.Length > 0;

    public static CliArguments Parse(string[] args)
    {
        var words = new List<string>();
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                words.Add(arg);
                continue;
            }
            var hasInlineValue = arg.Contains('=', StringComparison.Ordinal);
            var value = hasInlineValue ? arg[(arg.IndexOf('=', StringComparison.Ordinal) + 1)..] : i + 1 < args.Length ? args[++i] : "";
            options[hasInlineValue ? arg[2..arg.IndexOf('=', StringComparison.Ordinal)] : arg[2..]] = value;
        }
        return new CliArguments([.. words], options);
    }
}

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

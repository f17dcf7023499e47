namespace Lumen.Portal.Cli;

/// <summary>
/// The verbs and their arguments, apart from configuration switches (<c>--config PATH</c>, <c>--Database:Provider X</c>,
/// <c>--key=value</c>), which the host's configuration reads. <c>--name</c> is the only option of a verb.
/// </summary>
public sealed record CliArguments(string[] Words, string? Name)
{
    /// <summary>Any bare word makes a command line run (an unknown verb then gets the usage, not a server).</summary>
    public static bool IsCommand(string[] args) => Parse(args).Words.Length > 0;

    public static CliArguments Parse(string[] args)
    {
        var words = new List<string>();
        string? name = null;
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
            if (arg == "--name" || arg.StartsWith("--name=", StringComparison.Ordinal)) name = value;
        }
        return new CliArguments([.. words], name);
    }
}

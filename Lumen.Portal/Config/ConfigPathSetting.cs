namespace Lumen.Portal.Config;

/// <summary>
/// Where the config file is (SPEC §14): <c>Lumen:ConfigPath</c>, else the <c>LUMEN_CONFIG</c> environment
/// variable, else <c>config/config.yaml</c>.
/// </summary>
public static class ConfigPathSetting
{
    public const string Key = "Lumen:ConfigPath";
    public const string EnvironmentVariable = "LUMEN_CONFIG";
    public const string DefaultPath = "config/config.yaml";
    private const string SolutionFile = "Lumen.sln";

    /// <summary>Maps <c>--config PATH</c> on the command line to <see cref="Key"/>.</summary>
    public static IDictionary<string, string> SwitchMappings { get; } =
        new Dictionary<string, string>(StringComparer.Ordinal) { ["--config"] = Key };

    /// <summary>
    /// The absolute path to load. A relative path is taken from the current directory; if no file is there,
    /// from the solution folder, so `dotnet run --project Lumen.Portal` works from the repo root and from the project.
    /// </summary>
    public static string Resolve(IConfiguration configuration, string contentRoot)
    {
        var configured = configuration[Key];
        if (string.IsNullOrWhiteSpace(configured)) configured = configuration[EnvironmentVariable];
        if (string.IsNullOrWhiteSpace(configured)) configured = DefaultPath;

        if (Path.IsPathRooted(configured)) return configured;

        var fromCurrent = Path.GetFullPath(configured, Directory.GetCurrentDirectory());
        if (File.Exists(fromCurrent)) return fromCurrent;

        var solutionDir = FindSolutionDirectory(contentRoot);
        if (solutionDir is not null)
        {
            var fromSolution = Path.GetFullPath(configured, solutionDir);
            if (File.Exists(fromSolution)) return fromSolution;
        }

        // Not found anywhere: report the plain reading so the error names the path a person would expect.
        return fromCurrent;
    }

    private static string? FindSolutionDirectory(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, SolutionFile))) return dir.FullName;
        }
        return null;
    }
}

namespace Lumen.Infrastructure.Config;

/// <summary>Reads <c>config.yaml</c> (§2) into a <see cref="Lumen.Domain.Config.LumenConfig"/>, validating all of §2.2.</summary>
public static class ConfigLoader
{
    public static ConfigLoadResult LoadFile(string path)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (IOException e) { return ConfigLoadResult.Invalid([new ConfigIssue(0, 0, $"Cannot read {path}: {e.Message}")]); }
        catch (UnauthorizedAccessException e) { return ConfigLoadResult.Invalid([new ConfigIssue(0, 0, $"Cannot read {path}: {e.Message}")]); }
        return Parse(text);
    }

    // Placeholder contract: the validating parser replaces this body.
    public static ConfigLoadResult Parse(string yaml) =>
        ConfigLoadResult.Invalid([new ConfigIssue(0, 0, yaml.Length == 0 ? "The config file is empty." : "Parser not written yet.")]);
}

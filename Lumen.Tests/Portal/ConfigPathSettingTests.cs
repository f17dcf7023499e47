using Lumen.Portal.Config;
using Microsoft.Extensions.Configuration;

namespace Lumen.Tests.Portal;

public sealed class ConfigPathSettingTests : IDisposable
{
    // A fake checkout: <root>/Lumen.sln, <root>/config/config.yaml, <root>/Lumen.Portal/.
    private readonly string _root = Directory.CreateTempSubdirectory("lumen-path-").FullName;

    private string ProjectDir => Path.Combine(_root, "Lumen.Portal");

    public ConfigPathSettingTests()
    {
        File.WriteAllText(Path.Combine(_root, "Lumen.sln"), "");
        Directory.CreateDirectory(Path.Combine(_root, "config"));
        File.WriteAllText(Path.Combine(_root, "config", "config.yaml"), "admins: []");
        Directory.CreateDirectory(ProjectDir);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static IConfiguration Settings(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .Build();

    [Fact]
    public void Default_path_is_found_in_the_solution_folder_when_not_under_the_current_directory()
    {
        var path = ConfigPathSetting.Resolve(Settings(), ProjectDir);

        path.Should().Be(Path.Combine(_root, "config", "config.yaml"));
    }

    [Fact]
    public void Config_path_setting_wins_over_LUMEN_CONFIG()
    {
        var path = ConfigPathSetting.Resolve(
            Settings(("Lumen:ConfigPath", "/a/config.yaml"), ("LUMEN_CONFIG", "/b/config.yaml")), ProjectDir);

        path.Should().Be("/a/config.yaml");
    }

    [Fact]
    public void LUMEN_CONFIG_is_used_when_the_setting_is_absent()
    {
        var path = ConfigPathSetting.Resolve(Settings(("LUMEN_CONFIG", "/b/config.yaml")), ProjectDir);

        path.Should().Be("/b/config.yaml");
    }

    [Fact]
    public void Config_switch_on_the_command_line_sets_the_config_path()
    {
        var configuration = new ConfigurationBuilder()
            .AddCommandLine(["--config", "/c/config.yaml"], ConfigPathSetting.SwitchMappings)
            .Build();

        ConfigPathSetting.Resolve(configuration, ProjectDir).Should().Be("/c/config.yaml");
    }

    [Fact]
    public void Relative_path_found_nowhere_resolves_against_the_current_directory()
    {
        var path = ConfigPathSetting.Resolve(Settings(("Lumen:ConfigPath", "nope/missing.yaml")), ProjectDir);

        path.Should().Be(Path.Combine(Directory.GetCurrentDirectory(), "nope", "missing.yaml"));
    }
}

using Lumen.Infrastructure.Config;

namespace Lumen.Tests.Infrastructure.Config;

/// <summary>Helpers shared by the config tests.</summary>
internal static class ConfigText
{
    /// <summary>Parses and asserts the file is accepted, returning the result for further checks.</summary>
    public static ConfigLoadResult Valid(string yaml)
    {
        var result = ConfigLoader.Parse(yaml);
        result.Errors.Should().BeEmpty();
        result.IsValid.Should().BeTrue();
        result.Config.Should().NotBeNull();
        return result;
    }

    /// <summary>Parses and asserts the file is rejected with nothing applied.</summary>
    public static IReadOnlyList<ConfigIssue> Rejected(string yaml)
    {
        var result = ConfigLoader.Parse(yaml);
        result.IsValid.Should().BeFalse();
        result.Config.Should().BeNull();
        result.Warnings.Should().BeEmpty();
        result.Errors.Should().NotBeEmpty();
        return result.Errors;
    }

    /// <summary>The folder holding Lumen.sln, found by walking up from the test binaries.</summary>
    public static string SolutionDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Lumen.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"No Lumen.sln above {AppContext.BaseDirectory}.");
    }
}

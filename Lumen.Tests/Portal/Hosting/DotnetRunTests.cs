using Lumen.Tests.Hosting;
using Microsoft.Data.Sqlite;

namespace Lumen.Tests.Portal.Hosting;

/// <summary>
/// `dotnet run --project Lumen.Portal`, as the README has people start it: relative paths (data/, config/) are taken
/// from the folder it was run from, not from the project folder `dotnet run` would otherwise run in.
/// </summary>
public sealed class DotnetRunTests : IDisposable
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    private readonly string _folder = Directory.CreateTempSubdirectory("lumen-run-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Dotnet_run_keeps_data_and_config_in_the_folder_it_was_run_from()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "config"));
        await File.WriteAllTextAsync(Path.Combine(_folder, "config", "config.yaml"),
            new TestConfig().Admins(TestHost.Admin).WithModel("dummy").Default(new(Max: 1)).ToString());

        var (exitCode, output) = await DotnetRunAsync("init-db");

        exitCode.Should().Be(0, output);
        output.Should().Contain($"config {Path.Combine(_folder, "config", "config.yaml")} applied");
        File.Exists(Path.Combine(_folder, "data", "lumen.db")).Should().BeTrue(output);
    }

    private async Task<(int ExitCode, string Output)> DotnetRunAsync(params string[] verb)
    {
        var project = Path.Combine(RepositoryRoot(), "Lumen.Portal");
        var (exit, stdout, stderr) = await PortalProcess.RunAsync(PortalProcess.DotnetRunInfo(_folder, project, Configuration, verb), TimeSpan.FromMinutes(2));
        return (exit, stdout + stderr);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Lumen.sln"))) return dir.FullName;
        throw new InvalidOperationException("Lumen.sln not found above the test assembly.");
    }
}

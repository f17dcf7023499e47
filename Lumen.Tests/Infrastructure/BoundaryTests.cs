using System.Text.RegularExpressions;
using Lumen.Infrastructure.Persistence;
using Lumen.Tests.Infrastructure.Config;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Tests.Infrastructure;

/// <summary>Rows and contexts stay inside Infrastructure (issue #14): the host sees records and <see cref="LumenDatabase"/>.</summary>
public sealed class BoundaryTests
{
    [Fact]
    public void No_public_type_of_Infrastructure_is_an_EF_row_or_context()
    {
        var exported = typeof(LumenDatabase).Assembly.GetExportedTypes();

        exported.Where(t => typeof(DbContext).IsAssignableFrom(t)).Should().BeEmpty();
        exported.Where(t => t.Namespace == typeof(LumenDatabase).Namespace).Select(t => t.Name)
            .Should().BeEquivalentTo(nameof(DatabaseOptions), nameof(DatabaseProviderKind), nameof(DatabaseProvider), nameof(LumenDatabase),
                nameof(KeyRingSetup));
    }

    [Fact]
    public void Outside_Persistence_nothing_asks_which_database_it_runs_on()
    {
        // What differs by provider is asked of its SqlDialect, in the asker's words (issue #30).
        var root = ConfigText.SolutionDirectory();
        var persistence = Path.Combine(root, "Lumen.Infrastructure", "Persistence") + Path.DirectorySeparatorChar;
        var asking = new Regex(@"IsNpgsql\(\)|IsSqlite\(\)|IsSqlServer\(\)|DatabaseProviderKind\.");

        string[] projects = ["Lumen.Infrastructure", "Lumen.Portal"];
        var files = projects
            .SelectMany(project => Directory.EnumerateFiles(Path.Combine(root, project), "*.*", SearchOption.AllDirectories))
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".razor", StringComparison.Ordinal))
            .Where(f => !f.StartsWith(persistence, StringComparison.Ordinal) && !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
            .ToList();

        files.Should().Contain(f => f.EndsWith("KeyVerifier.cs", StringComparison.Ordinal), "the sources are read");
        files.Where(f => asking.IsMatch(File.ReadAllText(f))).Select(f => Path.GetRelativePath(root, f)).Should().BeEmpty();
    }

    [Fact]
    public void Folders_say_what_they_hold()
    {
        // Issue #30: the ledger apart from the charts, no grab bags, and seeding outside the product.
        var infrastructure = Path.Combine(ConfigText.SolutionDirectory(), "Lumen.Infrastructure");
        string[] gone = ["Usage", "Common", "Instances", "Seeding"];

        // A folder that holds no source is gone (a working copy may keep the empty directory a move left behind).
        bool HoldsSource(string folder) => Directory.Exists(folder) && Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories).Any();
        gone.Where(folder => HoldsSource(Path.Combine(infrastructure, folder))).Should().BeEmpty();
        Directory.Exists(Path.Combine(infrastructure, "Ledger")).Should().BeTrue();
        typeof(LumenDatabase).Assembly.GetTypes().Select(t => t.Namespace ?? "")
            .Where(ns => gone.Any(folder => ns == $"Lumen.Infrastructure.{folder}")).Distinct().Should().BeEmpty();
    }
}

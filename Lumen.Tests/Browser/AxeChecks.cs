using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Lumen.Tests.Browser;

/// <summary>
/// Runs axe-core on a page as it is now and fails on any violation, whatever its impact: a skipped heading level
/// (moderate) costs a screen-reader user as surely as a missing label, and minor ones are cheap to fix while new.
/// </summary>
internal static class AxeChecks
{
    public static async Task ExpectNoAxeViolationsAsync(this IPage page, ITestOutputHelper output)
    {
        var result = await page.RunAxe();
        result.Passes.Should().NotBeEmpty("axe ran its rules on the page");
        foreach (var violation in result.Violations) output.WriteLine($"axe ({violation.Impact}): {violation.Id}: {violation.Help}");
        result.Violations.Should().BeEmpty("axe found on {0}:\n{1}", page.Url, Describe(result.Violations));
    }

    private static string Describe(IEnumerable<AxeResultItem> violations) =>
        string.Join("\n", violations.Select(v =>
            $"- [{v.Impact}] {v.Id}: {v.Help} ({v.HelpUrl})\n" +
            string.Join("\n", v.Nodes.Select(n => $"    at {string.Join(" ", n.Target)}: {n.Html}\n      {Checks(n)}"))));

    /// <summary>What axe says is wrong at a node: the messages of its failed checks.</summary>
    private static string Checks(AxeResultNode node) =>
        string.Join("; ", new[] { node.Any, node.All, node.None }.Where(c => c is not null).SelectMany(c => c!).Select(c => c.Message));
}

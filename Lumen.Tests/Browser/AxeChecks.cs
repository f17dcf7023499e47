using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Lumen.Tests.Browser;

/// <summary>Runs axe-core on a page as it is now and fails on any violation of impact serious or critical.</summary>
internal static class AxeChecks
{
    public static async Task ExpectNoSeriousViolationsAsync(this IPage page, ITestOutputHelper output)
    {
        var result = await page.RunAxe();
        result.Passes.Should().NotBeEmpty("axe ran its rules on the page");
        var serious = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        foreach (var minor in result.Violations.Except(serious)) output.WriteLine($"axe ({minor.Impact}): {minor.Id}: {minor.Help}");
        serious.Should().BeEmpty("axe found on {0}:\n{1}", page.Url, Describe(serious));
    }

    private static string Describe(IEnumerable<AxeResultItem> violations) =>
        string.Join("\n", violations.Select(v =>
            $"- [{v.Impact}] {v.Id}: {v.Help} ({v.HelpUrl})\n" +
            string.Join("\n", v.Nodes.Select(n => $"    at {string.Join(" ", n.Target)}: {n.Html}\n      {Checks(n)}"))));

    /// <summary>What axe says is wrong at a node: the messages of its failed checks.</summary>
    private static string Checks(AxeResultNode node) =>
        string.Join("; ", new[] { node.Any, node.All, node.None }.Where(c => c is not null).SelectMany(c => c!).Select(c => c.Message));
}

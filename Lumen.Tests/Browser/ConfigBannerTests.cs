using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Lumen.Tests.Browser;

/// <summary>
/// Saving a broken config file while the portal is open (§11): admins see a banner with every error's line and
/// column while the last good config stays in force; saving a good file takes the banner away. No reloads.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed class ConfigBannerTests(BrowserFixture browser, ConfigBannerTests.BannerPortal portal, ITestOutputHelper output)
    : BrowserTest<ConfigBannerTests.BannerPortal>(browser, portal, output), IClassFixture<ConfigBannerTests.BannerPortal>
{
    public const string Manager = "keeper@example.org";

    public sealed class BannerPortal : PortalServer
    {
        protected override Task SeedAsync() => CreateClientAsync("steady-bot", Manager);
    }

    private static readonly string GoodConfig = BrowserConfig.Yaml();

    /// <summary>Two errors: a typo'd key and a wrong type, each at a known line and column.</summary>
    private static readonly string BrokenConfig = GoodConfig
        .Replace("    refresh: 0.05", "    refesh: 0.05", StringComparison.Ordinal)
        .Replace("    max: 100.0", "    max: lots", StringComparison.Ordinal);

    private ILocator Banner => new ClientsPage(Page).ConfigErrorBanner;

    [Fact]
    public async Task Broken_yaml_shows_a_banner_with_line_and_column_until_a_good_file_is_saved()
    {
        await Page.DevSignInAsync(BrowserConfig.Admin);
        await Expect(new ClientsPage(Page).Row("steady-bot")).ToBeVisibleAsync();
        await Expect(Banner).ToHaveCountAsync(0);
        await Page.EvaluateAsync("() => { window.__lumenNoReload = true; }");

        try
        {
            await Portal.WriteConfigAsync(BrokenConfig);

            await Expect(Banner).ToBeVisibleAsync();
            var (typoLine, typoColumn) = Position(BrokenConfig, "refesh");
            var (typeLine, typeColumn) = Position(BrokenConfig, "lots");
            await Expect(Banner).ToContainTextAsync(new Regex($@"line\s*{typoLine}\D+?col(umn)?\s*{typoColumn}\b", RegexOptions.IgnoreCase));
            await Expect(Banner).ToContainTextAsync(new Regex($@"line\s*{typeLine}\D+?col(umn)?\s*{typeColumn}\b", RegexOptions.IgnoreCase));
            await Expect(Banner).ToContainTextAsync("refesh");
            await Expect(Banner).ToContainTextAsync(new Regex("last good config (is )?in force since", RegexOptions.IgnoreCase));
            // The last good config still runs the page.
            await Expect(new ClientsPage(Page).Row("steady-bot")).ToBeVisibleAsync();
            await Page.ExpectNoAxeViolationsAsync(Output);
        }
        finally
        {
            await Portal.WriteConfigAsync(GoodConfig);
        }

        await Expect(Banner).ToHaveCountAsync(0);
        (await Page.EvaluateAsync<bool>("() => window.__lumenNoReload === true")).Should().BeTrue("the banner came and went in place");
    }

    [Fact]
    public async Task The_banner_shows_on_every_page_for_admins_and_not_for_managers()
    {
        await Page.DevSignInAsync(BrowserConfig.Admin, returnUrl: "/");
        var manager = await (await NewContextAsync()).NewPageAsync();
        await manager.DevSignInAsync(Manager);

        try
        {
            await Portal.WriteConfigAsync(BrokenConfig);
            await Expect(Banner).ToBeVisibleAsync();
            // Once the admin's page shows it, the watcher has rejected the file; the manager's page must not show it.
            await Expect(new ClientsPage(manager).Row("steady-bot")).ToBeVisibleAsync();
            await Expect(new ClientsPage(manager).ConfigErrorBanner).ToHaveCountAsync(0);
        }
        finally
        {
            await Portal.WriteConfigAsync(GoodConfig);
            await Expect(Banner).ToHaveCountAsync(0);
            await manager.Context.CloseAsync();
        }
    }

    /// <summary>1-based line and column where <paramref name="text"/> first occurs in <paramref name="yaml"/>.</summary>
    private static (int Line, int Column) Position(string yaml, string text)
    {
        var lines = yaml.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var column = lines[i].IndexOf(text, StringComparison.Ordinal);
            if (column >= 0) return (i + 1, column + 1);
        }
        throw new ArgumentException($"'{text}' is not in the config.", nameof(text));
    }
}

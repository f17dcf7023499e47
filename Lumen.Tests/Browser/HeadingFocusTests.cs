using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Lumen.Tests.Browser;

/// <summary>
/// FocusOnNavigate moves focus to each page's heading so screen readers announce the new page; that programmatic
/// focus must not draw a focus box around the heading, which looks like a rendering fault.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed class HeadingFocusTests(BrowserFixture browser, DetailPortal portal, ITestOutputHelper output)
    : BrowserTest<DetailPortal>(browser, portal, output), IClassFixture<DetailPortal>
{
    [Fact]
    public async Task After_a_page_load_and_after_a_click_the_heading_has_focus_but_no_focus_box()
    {
        // A fresh document has seen no pointer yet, so Chromium treats the programmatic focus as keyboard focus.
        await Page.DevSignInAsync(BrowserConfig.Admin, $"/clients/{DetailPortal.ShowcaseClient}");
        await ExpectFocusedWithoutBoxAsync(new DetailPage(Page).Heading(DetailPortal.ShowcaseClient));

        await Page.GetByRole(AriaRole.Link, new() { Name = "All clients" }).ClickAsync();
        await ExpectFocusedWithoutBoxAsync(Page.GetByRole(AriaRole.Heading, new() { Level = 1 }));
    }

    private static async Task ExpectFocusedWithoutBoxAsync(ILocator heading)
    {
        await Expect(heading).ToBeFocusedAsync();
        (await heading.EvaluateAsync<string>("h => getComputedStyle(h).outlineStyle")).Should().Be("none");
    }
}

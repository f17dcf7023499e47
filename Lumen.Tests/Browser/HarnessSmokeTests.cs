using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Lumen.Tests.Browser;

[Collection(BrowserTestGroup.Name)]
public sealed class HarnessSmokeTests(BrowserFixture browser, PortalServer portal, ITestOutputHelper output)
    : BrowserTest<PortalServer>(browser, portal, output)
{
    [Fact]
    public async Task Home_page_renders_in_chromium_with_styles()
    {
        await Page.GotoAsync("/");
        await Expect(Page.GetByText("Lumen Portal").First).ToBeVisibleAsync();
        var background = await Page.Locator(".mud-appbar").EvaluateAsync<string>("e => getComputedStyle(e).position");
        background.Should().Be("fixed", "MudBlazor's stylesheet is served and applied");
    }

    [Fact]
    public async Task Oidc_provider_answers_discovery()
    {
        var port = OidcProviderProcess.ReservePort();
        await using var provider = await OidcProviderProcess.StartAsync(port, Portal.BaseAddress);
        using var http = new HttpClient();
        var discovery = await http.GetStringAsync(new Uri(provider.Issuer, "/.well-known/openid-configuration"));
        discovery.Should().Contain($"\"issuer\":\"{provider.Issuer.ToString().TrimEnd('/')}\"");
    }
}

using Lumen.Tests.Gateway.Capacity;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Lumen.Tests.Browser;

/// <summary>The models page (§20) in a real browser: live state, what admins and managers each see, the snippets, axe.</summary>
[Collection(BrowserTestGroup.Name)]
public sealed class ModelsPageTests(BrowserFixture browser, ModelsPortal portal, ITestOutputHelper output)
    : BrowserTest<ModelsPortal>(browser, portal, output), IClassFixture<ModelsPortal>
{
    private ILocator Llama => Page.Locator(".model-panel[data-model='llama3']");

    private async Task OpenAsync(string email)
    {
        await Page.DevSignInAsync(email, "/models");
        await Expect(Llama).ToBeVisibleAsync();
        await Page.Locator(".circuit-ready").WaitForAsync(new() { State = WaitForSelectorState.Attached });
    }

    [Fact]
    public async Task An_admin_sees_the_endpoints_and_the_state_change_live_when_an_endpoint_goes_down_and_comes_back()
    {
        await Portal.SetFirstEndpointAsync(200);
        await OpenAsync(BrowserConfig.Admin);
        await Expect(Llama.Locator(".model-state")).ToHaveTextAsync("up");
        await Expect(Llama.Locator(".healthy")).ToHaveTextAsync("2/2");
        await Expect(Llama.Locator(".endpoint-url").First).ToHaveTextAsync(Portal.ModelServer.Endpoint("gpu1"));
        await Expect(Page.Locator(".model-panel[data-model='dummy'] .model-state")).ToHaveTextAsync("built-in");

        await Portal.SetFirstEndpointAsync(503);

        await Expect(Llama.Locator(".model-state")).ToHaveTextAsync("degraded");
        await Expect(Llama.Locator(".healthy")).ToHaveTextAsync("1/2");
        await Expect(Llama.Locator(".endpoint-state").First).ToHaveTextAsync("down");
        await Expect(Llama.Locator(".endpoint-error").First).ToHaveTextAsync("the probe got 503");
        await Expect(Llama).Not.ToContainTextAsync("sk-gpu-secret");
        await Page.ExpectNoAxeViolationsAsync(Output);

        await Portal.SetFirstEndpointAsync(200);

        await Expect(Llama.Locator(".model-state")).ToHaveTextAsync("up");
        await Expect(Llama.Locator(".healthy")).ToHaveTextAsync("2/2");
    }

    [Fact]
    public async Task A_manager_sees_their_clients_access_and_snippets_with_the_model_and_the_portal_address_but_no_endpoint()
    {
        await OpenAsync(ModelsPortal.Manager);

        await Expect(Page.Locator("nav").GetByRole(AriaRole.Link, new() { Name = "Models" })).ToBeVisibleAsync();
        await Expect(Page.Locator(".endpoints")).ToHaveCountAsync(0);
        await Expect(Page.Locator(".model-panel")).Not.ToContainTextAsync([Portal.ModelServer.BaseUrl]);
        await Expect(Llama.Locator(".client-access tbody tr")).ToHaveTextAsync($"{ModelsPortal.Client}Needs consent");
        var curl = Llama.Locator(".snippet[data-language='curl']");
        var portalAddress = Portal.BaseAddress.ToString().TrimEnd('/');
        await Expect(curl).ToContainTextAsync($"{portalAddress}/v1/chat/completions");
        await Expect(curl).ToContainTextAsync("\"model\": \"llama3\"");
        await Llama.GetByRole(AriaRole.Tab, new() { Name = "Python" }).ClickAsync();
        await Expect(Llama.Locator(".snippet[data-language='Python']")).ToContainTextAsync($"base_url=\"{portalAddress}/v1\"");
        await Expect(Llama.Locator(".snippet[data-language='Python']")).ToContainTextAsync("model=\"llama3\"");
        await Page.ExpectNoAxeViolationsAsync(Output);
    }

    [Fact]
    public async Task An_admin_sees_calls_in_flight_against_capacity_and_calls_waiting_live()
    {
        var key = await Portal.NewKeyAsync(ModelsPortal.Client);
        var queued = Page.Locator(".model-panel[data-model='queued']");
        await OpenAsync(BrowserConfig.Admin);
        await Expect(queued.Locator(".endpoint-load")).ToHaveTextAsync("0 / 1");
        Portal.QueuedServer.Close();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var calls = Enumerable.Range(1, 2).Select(i => TaggedCall.SendAsync(http, Portal.BaseAddress, key, "queued", $"call {i}")).ToList();

        await Expect(queued.Locator(".in-flight")).ToHaveTextAsync("1");
        await Expect(queued.Locator(".waiting")).ToHaveTextAsync("1");
        await Expect(queued.Locator(".endpoint-load")).ToHaveTextAsync("1 / 1");

        Portal.QueuedServer.Open();
        (await Task.WhenAll(calls)).Should().OnlyContain(r => r.IsSuccessStatusCode);
        await Expect(queued.Locator(".waiting")).ToHaveTextAsync("0");
        await Expect(queued.Locator(".endpoint-load")).ToHaveTextAsync("0 / 1");
    }

    [Fact]
    public async Task Models_page_with_a_degraded_model_is_captured()
    {
        await Portal.SetFirstEndpointAsync(503);
        await OpenAsync(BrowserConfig.Admin);
        await Expect(Llama.Locator(".model-state")).ToHaveTextAsync("degraded");
        await Page.SetViewportSizeAsync(1400, 1100);
        await Page.EvaluateAsync("() => document.fonts.ready.then(() => true)");

        var png = await Page.ScreenshotAsync(new PageScreenshotOptions { FullPage = true });
        png.Length.Should().BeGreaterThan(20_000, "a page with two models, an endpoint table and snippets is a substantial picture");

        await Screenshots.SaveAsync(png, "models-page.png", Output);
        await Portal.SetFirstEndpointAsync(200);
    }
}

using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Lumen.Tests.Browser;

/// <summary>
/// Sign-in end to end against a real OpenID Connect provider: the portal's code flow, the provider's login and consent
/// pages, the e-mail claim mapped to admin or manager rights, and sign-out ending the provider's session too.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed class OidcSignInTests(BrowserFixture browser, OidcPortal portal, ITestOutputHelper output)
    : BrowserTest<OidcPortal>(browser, portal, output), IClassFixture<OidcPortal>
{
    [Fact]
    public async Task Admin_signs_in_at_the_provider_lands_on_clients_and_signs_out_of_both()
    {
        await Page.GotoAsync("/clients");
        await SignInAtProviderAsync(BrowserConfig.Admin);

        await Expect(Page).ToHaveURLAsync(new Regex(Regex.Escape(Portal.BaseAddress + "clients") + "$"));
        await Page.WaitForCircuitAsync();
        await Expect(Clients.Heading).ToBeVisibleAsync();
        await Expect(Page.SignedInAs(BrowserConfig.Admin)).ToBeVisibleAsync();
        await Expect(Clients.NewClientButton).ToBeVisibleAsync();
        await Expect(Clients.Link("beta-bot")).ToBeVisibleAsync();

        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        // The provider asks to confirm ending its own session, then sends the browser back to the portal's home.
        await Page.GetByRole(AriaRole.Button, new() { Name = "Yes, sign me out" }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(Portal.BaseAddress.ToString());
        await Page.WaitForCircuitAsync();
        await Expect(SignInControl()).ToBeVisibleAsync();
        await Expect(Page.SignedInAs(BrowserConfig.Admin)).ToHaveCountAsync(0);
        await Expect(Clients.NavLink).ToHaveCountAsync(0);

        // Anonymous again, at the portal and at the provider: the provider asks for a login rather than signing back in.
        await Page.GotoAsync("/clients");
        await Expect(ProviderLoginField()).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Manager_signed_in_at_the_provider_sees_only_their_clients()
    {
        await Page.GotoAsync("/clients");
        await SignInAtProviderAsync(OidcPortal.ManagerOfAlpha);
        await Page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/clients");
        await Page.WaitForCircuitAsync();

        await Expect(Page.SignedInAs(OidcPortal.ManagerOfAlpha)).ToBeVisibleAsync();
        await Expect(Clients.Link("alpha-bot")).ToBeVisibleAsync();
        await Expect(Clients.Link("alpha-pipeline")).ToBeVisibleAsync();
        await Expect(Clients.Link("beta-bot")).ToHaveCountAsync(0);
        await Expect(Clients.NewClientButton).ToHaveCountAsync(0);
        await Expect(Clients.NavLink).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Stranger_signed_in_at_the_provider_is_denied_and_has_no_clients_link()
    {
        await Page.GotoAsync("/clients");
        // A login without '@' is the account stranger@example.org at the provider: the e-mail comes from the claim.
        await SignInAtProviderAsync("stranger");
        await Expect(Page).ToHaveURLAsync(new Regex("/access-denied|/clients"));
        await Page.WaitForCircuitAsync();

        await Expect(Page.SignedInAs("stranger@example.org")).ToBeVisibleAsync();
        await Expect(Clients.AccessDenied).ToBeVisibleAsync();
        await Expect(Clients.Link("alpha-bot")).ToHaveCountAsync(0);
        await Expect(Clients.NavLink).ToHaveCountAsync(0);
        await Expect(Clients.NewClientButton).ToHaveCountAsync(0);
    }

    /// <summary>On the provider's pages: types the login (any password), then gives consent if asked.</summary>
    private async Task SignInAtProviderAsync(string login)
    {
        await Expect(Page).ToHaveURLAsync(new Regex("^" + Regex.Escape(Portal.Provider.Issuer.ToString())));
        await ProviderLoginField().FillAsync(login);
        await Page.Locator("input[name=password]").FillAsync("any password");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign-in" }).ClickAsync();
        var consent = Page.GetByRole(AriaRole.Button, new() { Name = "Continue" });
        var backAtPortal = Page.Locator(".circuit-ready");
        await Expect(consent.Or(backAtPortal)).ToBeAttachedAsync();
        if (await consent.IsVisibleAsync()) await consent.ClickAsync();
        await Page.WaitForURLAsync(url => url.StartsWith(Portal.BaseAddress.ToString(), StringComparison.Ordinal));
    }

    private ClientsPage Clients => new(Page);

    private ILocator ProviderLoginField() => Page.Locator("input[name=login]");

    private ILocator SignInControl() =>
        Page.GetByRole(AriaRole.Link, new() { Name = "Sign in", Exact = true })
            .Or(Page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }));
}

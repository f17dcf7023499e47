using System.ClientModel;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Lumen.Tests.Browser;

/// <summary>
/// A client's first day on the detail page, as new people would live it: the admin assigns a manager; the manager
/// signs in, creates a key, copies it and uses it with the OpenAI SDK, records consent for a graylisted model and
/// revokes the key; the admin deactivates the client and its keys stop at once. The steps build on each other, so
/// they are one test.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed class ClientDetailTests(BrowserFixture browser, DetailPortal portal, ITestOutputHelper output)
    : BrowserTest<DetailPortal>(browser, portal, output), IClassFixture<DetailPortal>
{
    private const string Client = DetailPortal.NewClient;
    private const string Manager = "newbie@example.org";

    [Fact]
    public async Task Admin_assigns_a_manager_who_creates_copies_uses_and_revokes_a_key_and_records_consent()
    {
        // The admin adds the manager by e-mail (the person has never signed in).
        await Page.DevSignInAsync(BrowserConfig.Admin, $"/clients/{Client}");
        var admin = new DetailPage(Page);
        await Expect(admin.Heading(Client)).ToBeVisibleAsync();
        await admin.ShowTabAsync("Managers");
        await admin.ManagerEmail.FillAsync("not an address");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Add manager" }).ClickAsync();
        await Expect(admin.Panel("Managers").GetByText("is not an e-mail address like name@example.org")).ToBeVisibleAsync();
        await admin.ManagerEmail.FillAsync(Manager);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Add manager" }).ClickAsync();
        await Expect(admin.Managers).ToHaveTextAsync([Manager]);

        // The manager signs in elsewhere, finds the client and sees no admin controls.
        await using var managerContext = await NewContextAsync();
        await managerContext.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        var managerPage = await managerContext.NewPageAsync();
        await managerPage.DevSignInAsync(Manager, "/clients");
        await managerPage.GetByRole(AriaRole.Link, new() { Name = Client, Exact = true }).ClickAsync();
        var page = new DetailPage(managerPage);
        await Expect(page.Heading(Client)).ToBeVisibleAsync();
        await Expect(page.ActiveSwitch).ToHaveCountAsync(0);
        await page.ShowTabAsync("Managers");
        await Expect(page.Managers).ToHaveTextAsync([Manager]);
        await Expect(page.ManagerEmail).ToHaveCountAsync(0);

        // New API Key, on the Keys tab: a label, then the full key once, copied with the button.
        await page.ShowTabAsync("Keys");
        await page.NewKeyButton.ClickAsync();
        await page.Dialog($"New API key for {Client}").GetByLabel("Key name").FillAsync("laptop");
        await page.Dialog($"New API key for {Client}").GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        var shown = page.Dialog("Your new API key");
        await Expect(shown.GetByText("Copy it now: you will not see it again.")).ToBeVisibleAsync();
        var key = await shown.GetByRole(AriaRole.Textbox, new() { Name = "API key", Exact = true }).InputValueAsync();
        key.Should().StartWith("lmn_");
        await shown.GetByRole(AriaRole.Button, new() { Name = "Copy the API key" }).ClickAsync();
        await Expect(shown.GetByText("Copied to the clipboard.")).ToBeVisibleAsync();
        (await managerPage.EvaluateAsync<string>("() => navigator.clipboard.readText()")).Should().Be(key);
        await shown.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        await Expect(shown).ToBeHiddenAsync();
        await Expect(page.KeyRow("laptop")).ToContainTextAsync("Active");
        (await managerPage.ContentAsync()).Should().NotContain(key, "the full key is shown once only");

        // The key works with the official SDK; the graylisted model is not offered until consent is recorded.
        (await Portal.ModelsAsync(key)).Should().Equal("dummy");
        await page.ShowTabAsync("Access");
        await Expect(page.ModelRow(DetailPortal.GraylistedModel)).ToContainTextAsync("Needs consent");
        await page.ModelRow(DetailPortal.GraylistedModel).GetByRole(AriaRole.Button, new() { Name = $"Record consent for {DetailPortal.GraylistedModel}" }).ClickAsync();
        await page.ConfirmAsync($"Record consent for {DetailPortal.GraylistedModel}?", "Record consent");
        await Expect(page.ModelRow(DetailPortal.GraylistedModel)).ToContainTextAsync($"Consented");
        await Expect(page.ModelRow(DetailPortal.GraylistedModel)).ToContainTextAsync($"recorded by {Manager}");
        (await Portal.ModelsAsync(key)).Should().Equal("dummy", DetailPortal.GraylistedModel);

        // Revoking asks first; the key fails on its next call and stays listed.
        await page.ShowTabAsync("Keys");
        await page.KeyRow("laptop").GetByRole(AriaRole.Button, new() { NameRegex = new("^Revoke key laptop") }).ClickAsync();
        await page.ConfirmAsync("Revoke laptop?", "Revoke");
        await Expect(page.KeyRow("laptop")).ToContainTextAsync($"Revoked by {Manager}");
        await RefusedAsync(key, 401, "invalid_api_key");

        // A second key works until the admin deactivates the client: then it stops at once, on the manager's open page too.
        var second = await CreateKeyThroughDialogAsync(page, "server");
        (await Portal.ModelsAsync(second)).Should().Contain("dummy");
        await admin.ActiveSwitch.ClickAsync();
        await admin.ConfirmAsync($"Deactivate {Client}?", "Deactivate");
        await Expect(admin.ActiveState).ToHaveTextAsync("Inactive");
        await RefusedAsync(second, 403, "client_inactive");
        await Expect(page.ActiveState).ToHaveTextAsync("Inactive");

        await admin.ActiveSwitch.ClickAsync();
        await admin.ConfirmAsync($"Activate {Client}?", "Activate");
        await Expect(admin.ActiveState).ToHaveTextAsync("Active");
        (await Portal.ModelsAsync(second)).Should().Contain("dummy");
    }

    [Fact]
    public async Task A_manager_of_another_client_and_an_unknown_name_get_the_same_page()
    {
        var denied = Page.GetByRole(AriaRole.Heading, new() { Level = 1 });
        await Page.DevSignInAsync(DetailPortal.ShowcaseManager, $"/clients/{Client}");
        await Expect(Page).ToHaveURLAsync(new Regex($"/clients/{Client}$"));
        await Expect(denied).ToHaveTextAsync("Access denied");
        var hidden = await Page.Locator(".mud-main-content").InnerTextAsync();
        await Page.OpenAsync("/clients/no-such-client");
        await Expect(denied).ToHaveTextAsync("Access denied");
        var unknown = await Page.Locator(".mud-main-content").InnerTextAsync();

        hidden.Should().Contain("Access denied").And.Be(unknown).And.NotContain(Client);
    }

    private static async Task<string> CreateKeyThroughDialogAsync(DetailPage page, string label)
    {
        await page.NewKeyButton.ClickAsync();
        await page.Dialog($"New API key for {Client}").GetByLabel("Key name").FillAsync(label);
        await page.Dialog($"New API key for {Client}").GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        var shown = page.Dialog("Your new API key");
        var key = await shown.GetByRole(AriaRole.Textbox, new() { Name = "API key", Exact = true }).InputValueAsync();
        await shown.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        await Expect(shown).ToBeHiddenAsync();
        return key;
    }

    private async Task RefusedAsync(string key, int status, string code)
    {
        var refused = await FluentActions.Awaiting(() => Portal.ModelsAsync(key)).Should().ThrowAsync<ClientResultException>();
        refused.Which.Status.Should().Be(status);
        refused.Which.Message.Should().Contain(code);
    }
}

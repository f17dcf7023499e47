using System.Text.RegularExpressions;
using Lumen.Domain.Clients;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Lumen.Tests.Browser;

/// <summary>An admin creates clients through the "+ New Client" dialog (§3).</summary>
[Collection(BrowserTestGroup.Name)]
public sealed class CreateClientTests(BrowserFixture browser, CreateClientTests.CreatePortal portal, ITestOutputHelper output)
    : BrowserTest<CreateClientTests.CreatePortal>(browser, portal, output), IClassFixture<CreateClientTests.CreatePortal>
{
    /// <summary>Starts with one client, so a taken name can be tried.</summary>
    public sealed class CreatePortal : PortalServer
    {
        protected override Task SeedAsync() => CreateClientAsync("existing-bot");
    }

    private ClientsPage Clients => new(Page);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Page.DevSignInAsync(BrowserConfig.Admin);
    }

    [Fact]
    public async Task Admin_creates_a_client_and_lands_on_its_page()
    {
        var dialog = await OpenDialogAsync();
        await dialog.GetByLabel("Name").FillAsync("my-service-app");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();

        await Expect(Page).ToHaveURLAsync(new Regex("/clients/my-service-app$"));
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "my-service-app", Level = 1 })).ToBeVisibleAsync();
        (await Portal.ClientExistsAsync("my-service-app")).Should().BeTrue();

        // And it is in the table.
        await Page.OpenAsync("/clients?q=my-service");
        await Expect(Clients.NameCells).ToHaveTextAsync(["my-service-app"]);
    }

    [Theory]
    [InlineData("Bad Name!")]
    [InlineData("default")]
    [InlineData("-starts-with-dash")]
    public async Task A_bad_name_is_explained_in_the_dialog_and_nothing_is_created(string name)
    {
        var before = await Portal.ClientCountAsync();
        var dialog = await OpenDialogAsync();
        await dialog.GetByLabel("Name").FillAsync(name);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();

        ClientName.TryCreate(name, out _, out var message).Should().BeFalse();
        await Expect(dialog.GetByText(message)).ToBeVisibleAsync();
        await Expect(dialog).ToBeVisibleAsync();
        await Expect(Page).ToHaveURLAsync(new Regex("/clients$"));
        (await Portal.ClientCountAsync()).Should().Be(before);
    }

    [Fact]
    public async Task A_taken_name_is_explained_in_the_dialog()
    {
        var before = await Portal.ClientCountAsync();
        var dialog = await OpenDialogAsync();
        await dialog.GetByLabel("Name").FillAsync("existing-bot");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();

        await Expect(dialog.GetByText("A client named 'existing-bot' already exists.")).ToBeVisibleAsync();
        await Expect(dialog).ToBeVisibleAsync();
        (await Portal.ClientCountAsync()).Should().Be(before);
        await Expect(Page).ToHaveURLAsync(new Regex("/clients$"));
    }

    [Fact]
    public async Task Cancel_closes_the_dialog_without_creating()
    {
        var before = await Portal.ClientCountAsync();
        var dialog = await OpenDialogAsync();
        await dialog.GetByLabel("Name").FillAsync("never-made");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();

        await Expect(dialog).ToHaveCountAsync(0);
        (await Portal.ClientExistsAsync("never-made")).Should().BeFalse();
        (await Portal.ClientCountAsync()).Should().Be(before);
    }

    private async Task<ILocator> OpenDialogAsync()
    {
        await Expect(Clients.Heading).ToBeVisibleAsync();
        await Clients.NewClientButton.ClickAsync();
        var dialog = Page.GetByRole(AriaRole.Dialog, new() { Name = "New Client" });
        await Expect(dialog).ToBeVisibleAsync();
        return dialog;
    }
}

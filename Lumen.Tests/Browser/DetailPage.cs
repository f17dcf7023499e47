using Microsoft.Playwright;

namespace Lumen.Tests.Browser;

/// <summary>The client detail page (<c>/clients/{name}</c>) as a person sees it: found by roles, labels and text.</summary>
internal sealed class DetailPage(IPage page)
{
    public IPage Page => page;

    public Task OpenAsync(string client) => page.OpenAsync($"/clients/{client}");

    /// <summary>The tab named <paramref name="label"/> (Usage, Access, Keys, Managers, Request log, History).</summary>
    public ILocator Tab(string label) => page.GetByRole(AriaRole.Tab, new() { Name = label, Exact = true });

    /// <summary>The panel of the tab shown.</summary>
    public ILocator TabPanel => page.GetByRole(AriaRole.Tabpanel);

    /// <summary>Clicks the tab <paramref name="label"/>, as a person would, and waits until it is the one shown.</summary>
    public async Task ShowTabAsync(string label)
    {
        await Tab(label).ClickAsync();
        await Assertions.Expect(Tab(label)).ToHaveAttributeAsync("aria-selected", "true");
    }

    public ILocator Heading(string client) => page.GetByRole(AriaRole.Heading, new() { Name = client, Level = 1, Exact = true });

    /// <summary>
    /// The panel under the level-2 heading <paramref name="title"/>: Budget and Usage always; Usage over time, Model
    /// access, API keys, Managers, Request log or History when its tab is shown.
    /// </summary>
    public ILocator Panel(string title) =>
        page.Locator(".mud-paper").Filter(new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = title, Level = 2, Exact = true }) });

    public ILocator ActiveState => page.Locator(".active-state");

    public ILocator ActiveSwitch => page.GetByRole(AriaRole.Switch);

    public ILocator NewKeyButton => page.GetByRole(AriaRole.Button, new() { Name = "New API Key" });

    public ILocator Dialog(string title) => page.GetByRole(AriaRole.Dialog, new() { Name = title });

    /// <summary>Answers the confirmation dialog titled <paramref name="title"/> with its button <paramref name="confirm"/>.</summary>
    public async Task ConfirmAsync(string title, string confirm)
    {
        var dialog = Dialog(title);
        await dialog.GetByRole(AriaRole.Button, new() { Name = confirm, Exact = true }).ClickAsync();
        await Assertions.Expect(dialog).ToBeHiddenAsync();
    }

    /// <summary>The row of a table whose first cell is exactly <paramref name="text"/> (a model, a key name).</summary>
    public ILocator Row(string panel, string text) =>
        Panel(panel).GetByRole(AriaRole.Row).Filter(new() { Has = page.GetByRole(AriaRole.Cell, new() { Name = text, Exact = true }) });

    public ILocator ModelRow(string model) => Row("Model access", model);

    public ILocator KeyRow(string name) => Row("API keys", name);

    public ILocator ManagerEmail => page.GetByLabel("Manager e-mail");

    public ILocator Managers => Panel("Managers").Locator(".manager-email");
}

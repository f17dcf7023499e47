using Microsoft.Playwright;

namespace Lumen.Tests.Browser;

/// <summary>The client detail page (<c>/clients/{name}</c>) as a person sees it: found by roles, labels and text.</summary>
internal sealed class DetailPage(IPage page)
{
    public IPage Page => page;

    public Task OpenAsync(string client) => page.OpenAsync($"/clients/{client}");

    public ILocator Heading(string client) => page.GetByRole(AriaRole.Heading, new() { Name = client, Level = 1, Exact = true });

    /// <summary>The panel under the level-2 heading <paramref name="title"/> (Budget, Usage, Model access, API keys, Managers).</summary>
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

using Microsoft.Playwright;

namespace Lumen.Tests.Browser;

/// <summary>The /clients page as a person sees it: located by roles, labels and text, as assistive technology would.</summary>
internal sealed class ClientsPage(IPage page)
{
    public IPage Page => page;

    public ILocator Heading => page.GetByRole(AriaRole.Heading, new() { Name = "Clients", Level = 1, Exact = true });

    public ILocator NewClientButton => page.GetByRole(AriaRole.Button, new() { Name = "+ New Client" });

    public ILocator SearchBox => page.GetByLabel("Search clients");

    public ILocator NavLink => page.GetByRole(AriaRole.Link, new() { Name = "Clients", Exact = true });

    public ILocator AccessDenied => page.GetByRole(AriaRole.Heading, new() { Name = "Access denied", Level = 1 });

    public ILocator NoMatch => page.GetByText("No clients match your filter.");

    /// <summary>The live region that says what just changed.</summary>
    public ILocator Status => page.GetByRole(AriaRole.Status);

    /// <summary>The table's client rows (not the "no clients" row).</summary>
    public ILocator Rows => page.Locator(".clients-table table tbody tr").Filter(new() { Has = page.GetByRole(AriaRole.Link) });

    /// <summary>The Name cell of every client row, in display order.</summary>
    public ILocator NameCells => Rows.Locator("td:nth-child(1)");

    public ILocator Row(string client) =>
        Rows.Filter(new() { Has = page.GetByRole(AriaRole.Link, new() { Name = client, Exact = true }) });

    public ILocator Link(string client) => page.Locator(".clients-table").GetByRole(AriaRole.Link, new() { Name = client, Exact = true }); // not the top clients' links

    /// <summary>The cell of <paramref name="client"/>'s row under the header <paramref name="column"/>.</summary>
    public async Task<ILocator> CellAsync(string client, string column)
    {
        var headers = await page.Locator(".clients-table table thead th").AllInnerTextsAsync(); // not the usage charts' tables
        var index = headers.Select(h => h.Trim()).ToList().IndexOf(column);
        if (index < 0) throw new InvalidOperationException($"No column '{column}' in [{string.Join(", ", headers)}].");
        return Row(client).Locator("td").Nth(index);
    }

    /// <summary>The sort button in the header of <paramref name="column"/>.</summary>
    public ILocator SortButton(string column) =>
        page.GetByRole(AriaRole.Columnheader, new() { Name = column, Exact = true }).GetByRole(AriaRole.Button);

    /// <summary>The header cell of <paramref name="column"/> (it carries aria-sort).</summary>
    public ILocator Header(string column) => page.GetByRole(AriaRole.Columnheader, new() { Name = column, Exact = true });

    /// <summary>The summary card titled <paramref name="title"/> (its text holds the title and the value).</summary>
    public ILocator Card(string title) =>
        page.Locator(".summary-card").Filter(new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = title, Exact = true }) });

    /// <summary>The value shown on the card titled <paramref name="title"/>.</summary>
    public ILocator CardValue(string title) => Card(title).Locator(".summary-value");

    /// <summary>The banner admins see while the config file on disk is rejected.</summary>
    public ILocator ConfigErrorBanner =>
        page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "The config file has errors" });
}

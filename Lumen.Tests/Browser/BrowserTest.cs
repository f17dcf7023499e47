using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Lumen.Tests.Browser;

/// <summary>
/// A browser test over a portal: each test gets a fresh browser context (no cookies) and page. Concrete classes carry
/// <c>[Collection(BrowserTestGroup.Name)]</c> so they share the one Chromium and run in turn; a class that changes its
/// portal's data owns one (<c>IClassFixture</c>), read-only classes share the collection's <see cref="DemoPortal"/>.
/// Browser console errors and failed requests are written to the test output.
/// </summary>
public abstract class BrowserTest<TPortal>(BrowserFixture browser, TPortal portal, ITestOutputHelper output)
    : IAsyncLifetime where TPortal : PortalServer
{
    private readonly List<string> _console = [];

    protected TPortal Portal => portal;

    protected ITestOutputHelper Output => output;

    protected IBrowserContext Context { get; private set; } = null!;

    protected IPage Page { get; private set; } = null!;

    public virtual async Task InitializeAsync()
    {
        Context = await browser.NewContextAsync(portal.BaseAddress);
        Page = await NewPageAsync();
    }

    /// <summary>Another tab in the same context (same cookies), its console errors logged like the first's.</summary>
    protected async Task<IPage> NewPageAsync()
    {
        var page = await Context.NewPageAsync();
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning") Log($"console {message.Type}: {message.Text}");
        };
        page.PageError += (_, error) => Log($"page error: {error}");
        page.Response += (_, response) =>
        {
            if (response.Status >= 400) Log($"HTTP {response.Status}: {response.Request.Method} {response.Url}");
        };
        return page;
    }

    /// <summary>A second, separate browser context: another person at another computer.</summary>
    protected Task<IBrowserContext> NewContextAsync() => browser.NewContextAsync(portal.BaseAddress);

    private void Log(string line)
    {
        lock (_console) _console.Add(line);
    }

    public virtual async Task DisposeAsync()
    {
        await Context.CloseAsync();
        lock (_console)
        {
            foreach (var line in _console) output.WriteLine(line);
        }
    }
}

using Microsoft.Playwright;

namespace Lumen.Tests.Browser;

/// <summary>
/// One headless Chromium for the whole browser collection; each test gets its own context (cookies, storage) from
/// <see cref="NewContextAsync"/>. Flags: no sandbox (CI runs as root), and no background networking, which this
/// machine's closed network refuses.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>How long an action (click, fill, navigation) or an auto-waiting assertion may wait.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public async Task InitializeAsync()
    {
        var chromium = BrowserPrerequisites.RequireChromium();
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
            ],
        });
        Assertions.SetDefaultExpectTimeout((float)Timeout.TotalMilliseconds);
    }

    public async Task<IBrowserContext> NewContextAsync(Uri baseAddress)
    {
        var context = await (_browser ?? throw new InvalidOperationException("The browser did not start.")).NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1400, Height = 900 },
            Locale = "en-US",
            TimezoneId = "UTC",
        });
        context.SetDefaultTimeout((float)Timeout.TotalMilliseconds);
        context.SetDefaultNavigationTimeout((float)Timeout.TotalMilliseconds);
        return context;
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.CloseAsync();
        _playwright?.Dispose();
    }
}

/// <summary>
/// Browser tests run one at a time on one shared Chromium (the machine has two cores). Classes that only read share
/// one <see cref="DemoPortal"/>; classes that change data start their own portal.
/// </summary>
[CollectionDefinition(Name)]
public sealed class BrowserTestGroup : ICollectionFixture<BrowserFixture>, ICollectionFixture<DemoPortal>
{
    public const string Name = "browser";
}

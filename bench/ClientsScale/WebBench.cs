using System.Net;
using Microsoft.Playwright;

namespace Lumen.Bench.ClientsScale;

/// <summary>
/// Against the running portal: the first (server-prerendered) render of <c>/clients</c> and of a detail page over
/// HTTP with a signed-in cookie, then the time from saving the config file to the notice in an open browser view.
/// </summary>
internal static class WebBench
{
    public static async Task<int> RunAsync(string portalDll, string dbPath, string workDir, int renders, int saves)
    {
        Directory.CreateDirectory(workDir);
        var configPath = Path.Combine(workDir, "config.yaml");
        await File.WriteAllTextAsync(configPath, BenchConfig.Yaml());
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await using var portal = await Portal.StartAsync(portalDll, dbPath, configPath, Path.Combine(workDir, "portal.log"));
        Console.WriteLine(Fmt.Inv($"portal up at {portal.Address} in {System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s (migrate, load and apply the config)"));

        await RendersAsync(portal, renders);
        if (saves > 0) await ReloadsAsync(portal, configPath, saves);
        Console.WriteLine();
        Console.WriteLine(Fmt.Inv($"Portal peak resident memory (VmHWM): {portal.PeakMemoryMb():0} MB."));
        return 0;
    }

    private static async Task RendersAsync(Portal portal, int runs)
    {
        using var admin = await portal.SignedInClientAsync(BenchConfig.Admin);
        using var manager = await portal.SignedInClientAsync(BenchConfig.BusyManager);
        var cases = new (string Label, HttpClient Client, string Path)[]
        {
            ("admin", admin, "/clients"),
            ("admin", admin, "/clients?sort=tokens&page=2000"),
            ("admin", admin, "/clients?sort=managers&desc=false&page=2000"),
            ("admin", admin, $"/clients?q={Seeder.BroadSearch}&sort=coins"),
            ("manager", manager, "/clients"),
            ("manager", manager, "/clients?sort=requests&page=5"),
            ("admin", admin, $"/clients/{BenchConfig.NamedClient}"),
            ("manager", manager, $"/clients/{Seeder.NameOf(107)}"),
        };

        Console.WriteLine();
        Console.WriteLine(Fmt.Inv($"### First render (server prerender, GET with a signed-in cookie, whole body; {runs} runs after the first)"));
        Console.WriteLine();
        Console.WriteLine("| viewer | path | status | KB | first ms | p50 ms | p95 ms |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|");
        foreach (var (label, client, path) in cases)
        {
            var uri = new Uri(path, UriKind.Relative);
            var status = HttpStatusCode.OK;
            var bytes = 0;
            var first = await Samples.TimeAsync(async () =>
            {
                using var response = await client.GetAsync(uri);
                status = response.StatusCode;
                bytes = (await response.Content.ReadAsByteArrayAsync()).Length;
            });
            var samples = new Samples();
            for (var i = 0; i < runs; i++)
            {
                samples.Add(await Samples.TimeAsync(async () =>
                {
                    using var response = await client.GetAsync(uri);
                    await response.Content.ReadAsByteArrayAsync();
                }));
            }
            Console.WriteLine(Fmt.Inv($"| {label} | `{path}` | {(int)status} | {bytes / 1024.0:0} | {Fmt.Ms(first.TotalMilliseconds)} | {Fmt.Ms(samples.P50)} | {Fmt.Ms(samples.P95)} |"));
        }
    }

    private static async Task ReloadsAsync(Portal portal, string configPath, int saves)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        await using var context = await browser.NewContextAsync(new() { BaseURL = portal.Address.ToString() });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        await page.GotoAsync("/auth/dev-sign-in?returnUrl=%2Fclients");
        await page.Locator("#dev-email").FillAsync(BenchConfig.Admin);
        await page.Locator("form.dev-sign-in button[type=submit]").ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/clients");
        await page.Locator(".circuit-ready").WaitForAsync(new() { State = WaitForSelectorState.Attached });

        await WatchNoticesAsync(page);

        // One client changed (its named entry), then every client but that one (the default entry): the second is a
        // 10,000- or 100,000-client apply, its change events, the hub's recipients and the view's refresh, end to end.
        // A change to more than ChangeFeed.MaxNamed clients travels as one general change, said once.
        var one = await TimeSavesAsync(page, configPath, saves, BenchConfig.NamedMax, 300m,
            max => BenchConfig.Yaml(namedMax: max), (from, to) => $"{BenchConfig.NamedClient}: config max {from:0.######} → {to:0.######}");
        var still = await page.EvaluateAsync<bool>("() => !!window.__bench");

        // The same named save, with the client's detail page open instead.
        await page.GotoAsync($"/clients/{BenchConfig.NamedClient}");
        await page.Locator(".circuit-ready").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await WatchNoticesAsync(page);
        var detail = await TimeSavesAsync(page, configPath, saves, BenchConfig.NamedMax, 300m,
            max => BenchConfig.Yaml(namedMax: max), (from, to) => $"{BenchConfig.NamedClient}: config max {from:0.######} → {to:0.######}");
        var detailStill = await page.EvaluateAsync<bool>("() => !!window.__bench");

        // Last: restoring the config after these saves is itself an apply of every client, which would hold up
        // whatever save came next.
        await page.GotoAsync("/clients");
        await page.Locator(".circuit-ready").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await WatchNoticesAsync(page);
        var every = await TimeSavesAsync(page, configPath, Math.Max(1, saves / 4), BenchConfig.DefaultMax, 90m,
            max => BenchConfig.Yaml(defaultMax: max), (from, to) => $"many clients: max {from:0.######} → {to:0.######}");
        var everyStill = await page.EvaluateAsync<bool>("() => !!window.__bench");

        Console.WriteLine();
        Console.WriteLine("### Reload to browser (saves of config.yaml; from the save to the notice in the open page, as admin)");
        Console.WriteLine();
        Console.WriteLine("| page | save | clients changed | saves | p50 ms | p95 ms | max ms | page reloaded |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---|");
        Console.WriteLine(Fmt.Inv($"| `/clients` | `{BenchConfig.NamedClient}: max` 500 ↔ 300 | 1 | {one.Count} | {Fmt.Ms(one.P50)} | {Fmt.Ms(one.P95)} | {Fmt.Ms(one.Max)} | {(still ? "no" : "yes")} |"));
        Console.WriteLine(Fmt.Inv($"| `/clients` | `default: max` 100 ↔ 90 | every client but one | {every.Count} | {Fmt.Ms(every.P50)} | {Fmt.Ms(every.P95)} | {Fmt.Ms(every.Max)} | {(everyStill ? "no" : "yes")} |"));
        Console.WriteLine(Fmt.Inv($"| `/clients/{BenchConfig.NamedClient}` | `{BenchConfig.NamedClient}: max` 500 ↔ 300 | 1 | {detail.Count} | {Fmt.Ms(detail.P50)} | {Fmt.Ms(detail.P95)} | {Fmt.Ms(detail.Max)} | {(detailStill ? "no" : "yes")} |"));
    }

    /// <summary>Records (browser clock) when a live-region notice first contains the expected text.</summary>
    private static async Task WatchNoticesAsync(IPage page)
    {
        await page.EvaluateAsync("""
            () => {
              window.__bench = { expect: null, seenAt: null };
              const check = () => {
                const b = window.__bench;
                if (!b.expect || b.seenAt) return;
                for (const s of document.querySelectorAll('[role=status]'))
                  if (s.textContent.includes(b.expect)) { b.seenAt = Date.now(); return; }
              };
              new MutationObserver(check).observe(document.body, { subtree: true, childList: true, characterData: true });
            }
            """);
    }

    /// <summary>
    /// Saves the config <paramref name="saves"/> times, the max alternating between two values, and times each save
    /// until the page's live notice names that change (two values apart, so an old notice never matches).
    /// </summary>
    private static async Task<Samples> TimeSavesAsync(IPage page, string configPath, int saves, decimal first, decimal second,
        Func<decimal, string> yaml, Func<decimal, decimal, string> notice)
    {
        var samples = new Samples();
        var from = first;
        for (var i = 0; i < saves; i++)
        {
            var to = from == first ? second : first;
            await page.EvaluateAsync("e => { window.__bench.expect = e; window.__bench.seenAt = null; }", notice(from, to));
            var savedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            await File.WriteAllTextAsync(configPath, yaml(to));
            var seenAt = await (await page.WaitForFunctionAsync("() => window.__bench.seenAt", null,
                new() { Timeout = 30_000, PollingInterval = 20 })).JsonValueAsync<long>();
            samples.Add(seenAt - savedAt);
            from = to;
            await Task.Delay(2000); // saves are seconds apart; each view refreshes at most once a second
        }
        if (from != first) await File.WriteAllTextAsync(configPath, yaml(first)); // leave the config as it began
        return samples;
    }
}

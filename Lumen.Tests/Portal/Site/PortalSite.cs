using System.Net;
using System.Text.RegularExpressions;
using Lumen.Infrastructure.Clients;
using Lumen.Infrastructure.UseCases;
using Lumen.Infrastructure.Config;
using Lumen.Infrastructure.Managers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;

namespace Lumen.Tests.Portal.Site;

/// <summary>
/// The whole portal in the test server (Development environment, its own config file and SQLite database), with
/// people signed in through the real development sign-in form: antiforgery token, cookie and all.
/// </summary>
public sealed partial class PortalSite : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string Admin = "admin@example.org";
    public const string ManagerOfA = "alice@example.org";
    public const string ManagerOfB = "bob@example.org";
    public const string Stranger = "stranger@example.org";
    public const string ClientA = "alpha-bot";
    public const string ClientB = "beta-pipeline";

    public const string Yaml = """
        admins: [admin@example.org]
        models:
          - name: dummy
        clients:
          default:
            max: 100.0
            refresh: 0.05
            starting: 100.0
            model_access:
              default: blacklist
              whitelist: [dummy]
          waiting-entry:
            max: 5.0
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("lumen-site-").FullName;

    public string ConfigPath => Path.Combine(_dir, "config.yaml");

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(ConfigPath, Yaml);
        _ = Server; // start the host
        await CreateClientAsync(ClientA, ManagerOfA);
        await CreateClientAsync(ClientB, ManagerOfB);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Lumen:ConfigPath", ConfigPath);
        builder.UseSetting("ConnectionStrings:Lumen", $"Data Source={Path.Combine(_dir, "lumen.db")}");
        builder.UseSetting("Lumen:ApiKeySecret", "portal-site-tests-secret-0123456789abcdefghij");
        builder.ConfigureServices(services => services.AddFakeLogging());
    }

    /// <summary>What the portal logged, for tests of what an operator would read.</summary>
    public FakeLogCollector Logs => Services.GetFakeLogCollector();

    public async Task CreateClientAsync(string name, params string[] managers)
    {
        (await Services.GetRequiredService<ClientService>().CreateAsync(Actor.Cli, name)).Unwrap();
        foreach (var manager in managers)
            (await Services.GetRequiredService<ManagerService>().AddAsync(Actor.Cli, name, manager)).Unwrap();
    }

    /// <summary>Applies the config file now, as the watcher does on a save.</summary>
    public Task ReloadConfigAsync() => Services.GetRequiredService<ConfigWatcher>().ReloadAsync();

    /// <summary>An HTTP client that keeps cookies and does not follow redirects, signed in as <paramref name="email"/> (or anonymous).</summary>
    public async Task<HttpClient> BrowserAsync(string? email)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        if (email is null) return client;
        var token = await AntiforgeryTokenAsync(client, "/auth/dev-sign-in");
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["email"] = email,
            ["returnUrl"] = "/",
        });
        using var response = await client.PostAsync(new Uri("/auth/dev-sign-in", UriKind.Relative), form);
        response.StatusCode.Should().Be(HttpStatusCode.Redirect, "the development sign-in form accepts {0}", email);
        return client;
    }

    /// <summary>The main nav of the home page as <paramref name="email"/> (or anonymous) gets it.</summary>
    public async Task<string> NavAsync(string? email)
    {
        using var browser = await BrowserAsync(email);
        var html = await browser.GetStringAsync(new Uri("/", UriKind.Relative));
        // The nav only: the home page has its own "Open your clients" link for managers.
        var nav = Regex.Match(html, "<nav.*?</nav>", RegexOptions.Singleline).Value;
        nav.Should().Contain("href=\"\"", "the nav was found (its Home link)");
        return nav;
    }

    /// <summary>
    /// Signs in through the development form with a cookie-less client and returns the auth cookie as a <c>Cookie</c>
    /// header value, for clients that cannot share a cookie container (the SignalR client).
    /// </summary>
    public async Task<string> SignInCookieAsync(string email)
    {
        using var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        using var page = await client.GetAsync(new Uri("/auth/dev-sign-in", UriKind.Relative));
        var antiforgeryCookie = string.Join("; ", CookiesOf(page));
        var token = TokenField().Match(await page.Content.ReadAsStringAsync()).Groups[1].Value;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/dev-sign-in")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token),
                ["email"] = email,
            }),
        };
        request.Headers.Add("Cookie", antiforgeryCookie);
        using var response = await client.SendAsync(request);
        return CookiesOf(response).Single(c => c.StartsWith("lumen.auth=", StringComparison.Ordinal));
    }

    private static IEnumerable<string> CookiesOf(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values) ? values.Select(v => v.Split(';')[0]) : [];

    /// <summary>The antiforgery token of the first form on <paramref name="path"/>.</summary>
    public static async Task<string> AntiforgeryTokenAsync(HttpClient client, string path)
    {
        var html = await client.GetStringAsync(new Uri(path, UriKind.Relative));
        return TokenField().Match(html) is { Success: true } match
            ? WebUtility.HtmlDecode(match.Groups[1].Value)
            : throw new InvalidOperationException($"No antiforgery token on {path}.");
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}

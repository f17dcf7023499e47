using System.Text.RegularExpressions;
using Lumen.Tests.Hosting;
using static Lumen.Tests.Hosting.TestConfig;

namespace Lumen.Tests.Portal.Site;

/// <summary>
/// The whole portal in the test server (a <see cref="TestHost"/>: Development, its own config file and SQLite
/// database), with two clients, each with a manager, and people signed in through the real development sign-in form.
/// </summary>
public sealed class PortalSite() : TestHost(new TestHostOptions { Config = _ => Yaml })
{
    public const string ManagerOfA = "alice@example.org";
    public const string ManagerOfB = "bob@example.org";
    public const string Stranger = "stranger@example.org";
    public const string ClientA = "alpha-bot";
    public const string ClientB = "beta-pipeline";

    /// <summary>What clients without a named entry get: 100 coins, the dummy model only.</summary>
    public static readonly Entry DefaultEntry = new(Max: 100.0m, Refresh: 0.05m, Starting: 100.0m, new Access("blacklist", Whitelist: ["dummy"]));

    /// <summary>The dummy model, <see cref="DefaultEntry"/>, and one named entry whose client does not exist.</summary>
    public static TestConfig Config() =>
        new TestConfig().Admins(Admin).WithModel("dummy").Default(DefaultEntry).WithClient("waiting-entry", new(Max: 5.0m));

    public static readonly string Yaml = Config().ToString();

    protected override async Task SeedAsync()
    {
        await CreateClientAsync(ClientA, ManagerOfA);
        await CreateClientAsync(ClientB, ManagerOfB);
    }

    /// <summary>The main nav of the home page as <paramref name="email"/> (or anonymous) gets it.</summary>
    public async Task<string> NavAsync(string? email)
    {
        using var browser = await SignInAs(email);
        var html = await browser.GetStringAsync(new Uri("/", UriKind.Relative));
        // The nav only: the home page has its own "Open your clients" link for managers.
        var nav = Regex.Match(html, "<nav.*?</nav>", RegexOptions.Singleline).Value;
        nav.Should().Contain("href=\"\"", "the nav was found (its Home link)");
        return nav;
    }
}

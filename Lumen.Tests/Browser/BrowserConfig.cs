using Lumen.Tests.Hosting;
using static Lumen.Tests.Hosting.TestConfig;

namespace Lumen.Tests.Browser;

/// <summary>
/// The config the browser tests' portals start with. The dummy model costs coins here (1 per thousand input
/// tokens, 2 per thousand output tokens) so a call through the gateway shows in the Coins column.
/// </summary>
internal static class BrowserConfig
{
    public const string Admin = TestHost.Admin;

    /// <summary>The dummy model, allowed by the default entry; named entries are added with <see cref="TestConfig.WithClient"/>.</summary>
    public static TestConfig Config(params string[] admins) => new TestConfig()
        .Admins(admins.Length == 0 ? [Admin] : admins)
        .WithModel("dummy", 1000.0m, 2000.0m)
        .Default(new(Max: 100.0m, Refresh: 0.05m, Starting: 100.0m, DummyOnly));

    public static string Yaml() => Config().ToString();

    /// <summary>Every model refused but dummy.</summary>
    public static readonly Access DummyOnly = new("blacklist", Whitelist: ["dummy"]);
}

namespace Lumen.Tests.Browser;

/// <summary>
/// What the browser tests need from the machine: Debian's Chromium and the npm OpenID Connect provider, both installed
/// by scripts/test.sh. A missing one fails the tests with a message saying so; it never skips them silently.
/// </summary>
internal static class BrowserPrerequisites
{
    /// <summary>The browser Playwright drives (it cannot download its own here). LUMEN_CHROMIUM may name another.</summary>
    public static string ChromiumPath =>
        Environment.GetEnvironmentVariable("LUMEN_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    /// <summary>The repository root: the folder holding Lumen.sln, found from the test binaries upwards.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string OidcDirectory => Path.Combine(RepositoryRoot, "Lumen.Tests", "Browser", "oidc");

    public static string RequireChromium()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"Chromium was not found at {ChromiumPath}. The browser tests need Debian's chromium package: " +
                "run scripts/test.sh (as root, it installs it) or `apt-get install -y chromium`.");
        }
        return ChromiumPath;
    }

    public static string RequireOidcProvider()
    {
        if (!Directory.Exists(Path.Combine(OidcDirectory, "node_modules", "oidc-provider")))
        {
            throw new InvalidOperationException(
                $"The OpenID Connect provider is not installed in {OidcDirectory}/node_modules. " +
                $"Run scripts/test.sh (it runs `npm ci --prefix {OidcDirectory}`).");
        }
        return OidcDirectory;
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Lumen.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"No Lumen.sln above {AppContext.BaseDirectory}: the browser tests run from the repository's build output.");
    }
}

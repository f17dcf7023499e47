using Xunit.Abstractions;

namespace Lumen.Tests.Browser;

/// <summary>
/// Where the README's pictures go: every run into TestResults/, and with LUMEN_UPDATE_SCREENSHOT=1
/// (scripts/screenshot.sh) into docs/ as well.
/// </summary>
internal static class Screenshots
{
    public static async Task SaveAsync(byte[] png, string file, ITestOutputHelper output)
    {
        var results = Path.Combine(BrowserPrerequisites.RepositoryRoot, "TestResults");
        Directory.CreateDirectory(results);
        await File.WriteAllBytesAsync(Path.Combine(results, file), png);
        if (Environment.GetEnvironmentVariable("LUMEN_UPDATE_SCREENSHOT") != "1") return;
        var docs = Path.Combine(BrowserPrerequisites.RepositoryRoot, "docs", file);
        Directory.CreateDirectory(Path.GetDirectoryName(docs)!);
        await File.WriteAllBytesAsync(docs, png);
        output.WriteLine($"wrote {docs}");
    }
}

using System.Diagnostics;

namespace Lumen.Tests.Operations;

/// <summary>Prometheus's own lint, <c>promtool check metrics</c> (Debian's <c>prometheus</c>, installed by scripts/test.sh).</summary>
internal static class Promtool
{
    /// <summary>The lines of the exposition text that belong to families whose names start with one of <paramref name="prefixes"/>.</summary>
    public static IReadOnlyList<string> Families(string exposition, params string[] prefixes) =>
        exposition.Split('\n').Where(line =>
        {
            var words = line.Split(' ', 4);
            var name = words[0] == "#" && words.Length > 2 ? words[2] : words[0];
            return prefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal));
        }).ToList();

    /// <summary>Runs the lint over <paramref name="exposition"/>: its exit code and what it said.</summary>
    public static async Task<(int Exit, string Said)> CheckAsync(string exposition)
    {
        var start = new ProcessStartInfo("promtool", ["check", "metrics"])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("promtool is not installed (apt-get install -y --no-install-recommends prometheus)", e);
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.StandardInput.WriteAsync(exposition);
            process.StandardInput.Close();
            await process.WaitForExitAsync();
            return (process.ExitCode, ((await stdout) + (await stderr)).Trim());
        }
    }
}

using System.Diagnostics;

namespace Lumen.Tests.Hosting;

/// <summary>
/// The built portal as its own process, as an operator runs it (Production unless told otherwise), in a working
/// directory of the test's: for what only a real process shows (start refusals, signals, console logs). Every test
/// that starts the portal as a process starts it here.
/// </summary>
internal static class PortalProcess
{
    public const string Secret = "process-tests-secret-0123456789abcdefghijklmnop";

    /// <summary>Production, a placeholder OpenID Connect provider (never contacted before a sign-in) and a good secret.</summary>
    public static ProcessStartInfo StartInfo(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Lumen.Portal.dll"), .. args])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Oidc__Authority"] = "https://oidc.invalid/";
        start.Environment["Oidc__ClientId"] = "lumen";
        start.Environment["Lumen__ApiKeySecret"] = Secret;
        return start;
    }

    /// <summary>
    /// <c>dotnet run --project Lumen.Portal</c> from <paramref name="workingDirectory"/>, as the README has people start
    /// it, with nothing set in its environment.
    /// </summary>
    public static ProcessStartInfo DotnetRunInfo(string workingDirectory, string project, string configuration, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])["run", "--project", project, "--no-build", "-c", configuration, "--", .. args]) start.ArgumentList.Add(arg);
        return start;
    }

    /// <summary>Starts the portal and leaves it running: the caller reads its output and stops it.</summary>
    public static Process Start(ProcessStartInfo start) => Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");

    /// <summary>Sends SIGTERM, as a service manager stops the portal, and returns once the signal is sent.</summary>
    public static void Terminate(Process portal)
    {
        using var kill = Process.Start("kill", ["-TERM", portal.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>Runs to its end (at most <paramref name="limit"/>, a minute unless given): exit code, stdout and stderr.</summary>
    public static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(ProcessStartInfo start, TimeSpan? limit = null)
    {
        using var process = Start(start);
        using var timeout = new CancellationTokenSource(limit ?? TimeSpan.FromSeconds(60));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("the portal did not stop by itself");
        }
        return (process.ExitCode, await stdout, await stderr);
    }
}

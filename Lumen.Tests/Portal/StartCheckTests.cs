using System.Diagnostics;

namespace Lumen.Tests.Portal;

/// <summary>
/// The portal as an operator starts it (its own process, Production): a secret that would fail every call later stops
/// the start now, with one clear line.
/// </summary>
public sealed class StartCheckTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lumen-start-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(null, "is required outside Development")]
    [InlineData("short", "must be at least 32 characters")]
    [InlineData("0123456789abcdef0123456789abcde", "the one given has 31")] // 31 bytes: one short
    public async Task Production_refuses_to_start_without_a_long_enough_api_key_secret(string? secret, string reason)
    {
        var (exit, stdout, stderr) = await RunPortalAsync(secret);

        exit.Should().Be(1);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().ContainSingle("one clear line, no stack trace").Which.Should()
            .StartWith("Lumen Portal cannot start: Lumen:ApiKeySecret").And.Contain(reason);
        stdout.Should().NotContain("Exception");
        File.Exists(Path.Combine(_dir, "data", "lumen.db")).Should().BeFalse("nothing is touched before the checks pass");
    }

    private async Task<(int Exit, string Stdout, string Stderr)> RunPortalAsync(string? secret)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Lumen.Portal.dll"), "--urls", "http://127.0.0.1:0"])
        {
            WorkingDirectory = _dir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Oidc__Authority"] = "https://oidc.invalid/";
        start.Environment["Oidc__ClientId"] = "lumen";
        start.Environment.Remove("Lumen__ApiKeySecret");
        if (secret is not null) start.Environment["Lumen__ApiKeySecret"] = secret;
        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
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

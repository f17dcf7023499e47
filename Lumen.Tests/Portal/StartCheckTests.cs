using Lumen.Infrastructure.Config;
using Lumen.Tests.Hosting;

namespace Lumen.Tests.Portal;

/// <summary>
/// The portal as an operator starts it (its own process, Production): what would fail every call later, or leave it
/// nothing to serve with, stops the start now, with one clear line.
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
        var start = PortalProcess.StartInfo(_dir, "--urls", "http://127.0.0.1:0");
        start.Environment.Remove("Lumen__ApiKeySecret");
        if (secret is not null) start.Environment["Lumen__ApiKeySecret"] = secret;

        var refusal = await RefusalAsync(start);

        refusal.Should().StartWith("Lumen Portal cannot start: Lumen:ApiKeySecret").And.Contain(reason);
    }

    [Fact]
    public async Task A_config_rejected_at_the_very_first_start_stops_the_start_with_its_errors_on_one_line()
    {
        WriteConfig("clients:\n  default:\n    max: 10\n    refesh: 1\n  Bad Name!: {max: 1}\n");

        var refusal = await RefusalAsync(PortalProcess.StartInfo(_dir, "--urls", "http://127.0.0.1:0"));

        refusal.Should().StartWith("Lumen Portal cannot start: the config file " + Path.Combine(_dir, "config", "config.yaml"))
            .And.Contain("no last good config").And.Contain("line 4, column 5").And.Contain("'refesh'").And.Contain("Bad Name!");
    }

    [Fact]
    public async Task A_missing_config_file_at_the_first_start_stops_the_start_with_one_line()
    {
        var refusal = await RefusalAsync(PortalProcess.StartInfo(_dir, "--urls", "http://127.0.0.1:0", "--config", "nowhere.yaml"));

        refusal.Should().StartWith("Lumen Portal cannot start: the config file").And.Contain("nowhere.yaml").And.Contain("Cannot read");
    }

    [Fact]
    public async Task A_config_file_over_4_MiB_stops_the_start_with_one_line()
    {
        WriteConfig("clients: {}\n#" + new string('x', (int)ConfigFileText.MaxBytes));

        var refusal = await RefusalAsync(PortalProcess.StartInfo(_dir, "--urls", "http://127.0.0.1:0"));

        refusal.Should().StartWith("Lumen Portal cannot start: the config file").And.Contain("may be at most 4 MiB");
    }

    [Fact]
    public async Task Production_without_an_identity_provider_stops_the_start_with_one_line()
    {
        WriteConfig("clients: {}\n");
        var start = PortalProcess.StartInfo(_dir, "--urls", "http://127.0.0.1:0");
        start.Environment.Remove("Oidc__Authority");
        start.Environment.Remove("Oidc__ClientId");

        var refusal = await RefusalAsync(start);

        refusal.Should().StartWith("Lumen Portal cannot start: No identity provider is configured for the Production environment");
    }

    [Theory]
    [InlineData("Gateway__AcceptBacklog", "0", "Gateway:AcceptBacklog must be a positive number")]
    [InlineData("Smtp__Host", "mail.example.org", "Smtp:From is required with Smtp:Host")]
    public async Task A_setting_that_cannot_work_stops_the_start_with_one_line(string variable, string value, string reason)
    {
        WriteConfig("clients: {}\n");
        var start = PortalProcess.StartInfo(_dir, "--urls", "http://127.0.0.1:0");
        start.Environment[variable] = value;

        var refusal = await RefusalAsync(start);

        refusal.Should().StartWith("Lumen Portal cannot start: " + reason);
    }

    /// <summary>Runs the portal, which must stop by itself with exit code 1 and one line on stderr, touching nothing.</summary>
    private async Task<string> RefusalAsync(System.Diagnostics.ProcessStartInfo start)
    {
        var (exit, stdout, stderr) = await PortalProcess.RunAsync(start);

        exit.Should().Be(1);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        stdout.Should().NotContain("Exception");
        File.Exists(Path.Combine(_dir, "data", "lumen.db")).Should().BeFalse("nothing is touched before the checks pass");
        return lines.Should().ContainSingle("one clear line, no stack trace").Subject;
    }

    private void WriteConfig(string yaml)
    {
        Directory.CreateDirectory(Path.Combine(_dir, "config"));
        File.WriteAllText(Path.Combine(_dir, "config", "config.yaml"), yaml);
    }
}

using Lumen.Infrastructure.Notifications;
using Lumen.Tests.Hosting;
using Lumen.Tests.Portal.Cli;
using Microsoft.Data.Sqlite;

namespace Lumen.Tests.Notifications;

/// <summary>
/// <c>notifications test EMAIL</c> (§23) against a real SMTP server: the mail arrives, read back as MIME, over plain
/// SMTP, STARTTLS with a user and password, and TLS; what is wrong with a setup is said in one line, and nothing is sent.
/// </summary>
public sealed class NotificationsTestVerbTests : IDisposable
{
    private const string Secret = "notifications-test-verb-secret-0123456789abcdef";
    private readonly string _folder = Directory.CreateTempSubdirectory("lumen-notify-").FullName;

    public NotificationsTestVerbTests() =>
        File.WriteAllText(ConfigPath, new TestConfig().Admins(TestHost.Admin).WithModel("dummy").Default(new(Max: 1)).ToString());

    private string ConfigPath => Path.Combine(_folder, "config.yaml");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Theory]
    [InlineData("none", null)]
    [InlineData("starttls", "relay-user")]
    [InlineData("tls", "relay-user")]
    public async Task A_test_mail_arrives_with_text_and_html_and_its_own_message_id(string mode, string? user)
    {
        await using var smtp = await TestSmtpServer.StartAsync(mode, user, user is null ? null : "relay-password");

        var run = await Cli([.. smtp.Switches()], "notifications", "test", "ops@centre.example.org");

        run.ExitCode.Should().Be(0, run.Err);
        run.Out.Should().Contain($"sent a test message to ops@centre.example.org through 127.0.0.1:{smtp.Port} ({mode})");
        var mail = smtp.Received().Should().ContainSingle().Subject;
        mail.Subject.Should().Be(TestMail.Subject);
        mail.To.Mailboxes.Select(m => m.Address).Should().Equal("ops@centre.example.org");
        mail.From.Mailboxes.Single().Address.Should().Be("lumen@portal.example.org");
        mail.MessageId.Should().EndWith("@portal.example.org");
        mail.TextBody.Should().Contain("notifications can reach ops@centre.example.org");
        mail.HtmlBody.Should().Contain("<p>").And.Contain("notifications can reach ops@centre.example.org");
        run.Out.Should().NotContain("relay-password");
    }

    [Fact]
    public async Task A_server_whose_certificate_is_not_trusted_gets_nothing_and_the_error_says_so()
    {
        await using var smtp = await TestSmtpServer.StartAsync("starttls");

        var run = await Cli([.. smtp.Switches(trusted: false)], "notifications", "test", "ops@centre.example.org");

        run.ExitCode.Should().Be(1);
        run.Err.Should().Contain($"127.0.0.1:{smtp.Port} (starttls)").And.Contain("certificate is not trusted");
        smtp.Received().Should().BeEmpty();
    }

    [Fact]
    public async Task A_wrong_password_is_refused_in_words_without_the_password()
    {
        await using var smtp = await TestSmtpServer.StartAsync("starttls", "relay-user", "relay-password");
        var switches = smtp.Switches().Select(s => s.StartsWith("--Smtp:Password=", StringComparison.Ordinal) ? "--Smtp:Password=not-it" : s);

        var run = await Cli([.. switches], "notifications", "test", "ops@centre.example.org");

        run.ExitCode.Should().Be(1);
        run.Err.Should().Contain("refused the user and password").And.NotContain("not-it");
        smtp.Received().Should().BeEmpty();
    }

    [Theory]
    [InlineData(new string[0], "no SMTP server is configured")]
    [InlineData(new[] { "--Smtp:Host=127.0.0.1", "--Smtp:Security=ssl", "--Smtp:From=a@b.org" }, "Smtp:Security must be none, starttls or tls, not 'ssl'")]
    [InlineData(new[] { "--Smtp:Host=127.0.0.1" }, "Smtp:From is required")]
    [InlineData(new[] { "--Smtp:Host=127.0.0.1", "--Smtp:From=a@b.org", "--Smtp:Port=70000" }, "Smtp:Port must be a port number")]
    [InlineData(new[] { "--Smtp:Host=127.0.0.1", "--Smtp:From=a@b.org", "--Smtp:User=u" }, "Smtp:Password is required with Smtp:User")]
    public async Task A_setup_that_cannot_send_is_named_in_one_line(string[] switches, string error)
    {
        var run = await Cli(switches, "notifications", "test", "ops@centre.example.org");

        run.ExitCode.Should().Be(1);
        run.ErrLines.Should().ContainSingle().Which.Should().StartWith("error: ").And.Contain(error);
    }

    [Fact]
    public async Task A_server_that_is_not_there_is_named_as_unreachable()
    {
        var port = Lumen.Tests.Infrastructure.Databases.PostgresServer.FreeLoopbackPort();

        var run = await Cli(["--Smtp:Host=127.0.0.1", $"--Smtp:Port={port}", "--Smtp:Security=none", "--Smtp:From=a@b.org"],
            "notifications", "test", "ops@centre.example.org");

        run.ExitCode.Should().Be(1);
        run.Err.Should().Contain($"127.0.0.1:{port} (none) could not be reached");
    }

    [Fact]
    public async Task Not_an_address_is_refused_before_anything_is_sent()
    {
        await using var smtp = await TestSmtpServer.StartAsync();

        var run = await Cli([.. smtp.Switches()], "notifications", "test", "not an address");

        run.ExitCode.Should().Be(1);
        run.Err.Should().Contain("'not an address' is not an e-mail address");
        smtp.Received().Should().BeEmpty();
    }

    private Task<CliRunnerResult> Cli(string[] switches, params string[] words) => CliRunnerResult.RunAsync(
        [.. words, .. switches, "--config", ConfigPath, $"--ConnectionStrings:Lumen=Data Source={Path.Combine(_folder, "lumen.db")}",
            $"--Lumen:ApiKeySecret={Secret}"]);
}

using System.Text;
using Lumen.Domain.Clients;
using Lumen.Infrastructure;
using Lumen.Infrastructure.ApiKeys;
using Lumen.Infrastructure.Config;
using Lumen.Infrastructure.Persistence;
using Lumen.Portal.Cli;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Lumen.Tests.Portal.Cli;

/// <summary>
/// The operator verbs of §13 end to end, in process, through <see cref="CliRunner.RunAsync(string[], TextWriter, TextWriter)"/>
/// with the same setup as the server. Each test has a temp folder of its own holding the config file and the database.
/// </summary>
public sealed partial class CliTests : IDisposable
{
    private const string Secret = "cli-tests-secret-0123456789abcdefghijklmnop";

    private const string GoodConfig = """
        admins: [admin@example.org]
        models:
          - name: dummy
            input_cost_per_million: 0.0
            output_cost_per_million: 0.0
          - name: gated
            input_cost_per_million: 1.0
            output_cost_per_million: 2.0
        clients:
          default:
            max: 100
            refresh: 0
            starting: 100
            model_access:
              default: blacklist
              whitelist: [dummy]
              graylist: [gated]
          research-bot:
            max: 500
            starting: 500
          ingest:
            max: 10
        """;

    private readonly string _folder = Directory.CreateTempSubdirectory("lumen-cli-").FullName;

    public CliTests() => File.WriteAllText(ConfigPath, GoodConfig);

    private string ConfigPath => Path.Combine(_folder, "config.yaml");
    private string DatabasePath => Path.Combine(_folder, "lumen.db");
    private string ConnectionString => $"Data Source={DatabasePath}";

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Init_db_on_an_empty_folder_creates_the_database_and_reports_the_skipped_named_entries()
    {
        var run = await Cli("init-db");

        run.ExitCode.Should().Be(0, run.Err);
        File.Exists(DatabasePath).Should().BeTrue();
        run.Out.Should().Contain($"config {ConfigPath} applied");
        run.Out.Should().Contain("0 clients changed, 0 unchanged, 2 named entries skipped");
        await using var db = await Contexts().CreateDbContextAsync();
        (await db.Database.GetPendingMigrationsAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task Init_db_applies_a_changed_config_to_existing_clients_and_says_what_changed()
    {
        (await Cli("clients", "create", "bot", "research-bot")).ExitCode.Should().Be(0);
        File.WriteAllText(ConfigPath, GoodConfig.Replace("max: 100", "max: 40", StringComparison.Ordinal));

        var run = await Cli("init-db");

        run.ExitCode.Should().Be(0, run.Err);
        run.Out.Should().Contain("bot: max 100 → 40");
        run.Out.Should().Contain("1 client changed, 1 unchanged, 1 named entry skipped");
        await using var db = await Contexts().CreateDbContextAsync();
        var pool = await db.CoinPools.SingleAsync(p => p.ClientId == db.Clients.Single(c => c.Name == "bot").Id);
        pool.MaxMicros.Should().Be(40_000_000);
        pool.BalanceMicros.Should().Be(40_000_000, "lowering max clamps the balance");
    }

    [Fact]
    public async Task Init_db_with_a_bad_config_exits_non_zero_with_every_error_positioned_and_creates_nothing()
    {
        File.WriteAllText(ConfigPath, """
            clients:
              default:
                max: -1
                refesh: 1
            """);

        var run = await Cli("init-db");

        run.ExitCode.Should().NotBe(0);
        run.Out.Should().BeEmpty();
        run.Err.Should().Contain("nothing was applied");
        run.Err.Should().Contain("line 3, column 10: max of clients.default must be -2");
        run.Err.Should().Contain("line 4, column 5: Unknown key 'refesh'");
        File.Exists(DatabasePath).Should().BeFalse();
    }

    [Fact]
    public async Task Init_db_with_a_bad_config_leaves_an_existing_database_as_it_was()
    {
        (await Cli("clients", "create", "bot")).ExitCode.Should().Be(0);
        File.WriteAllText(ConfigPath, GoodConfig.Replace("refresh: 0", "refesh: 0", StringComparison.Ordinal)
            .Replace("max: 100", "max: 1", StringComparison.Ordinal));

        var run = await Cli("init-db");

        run.ExitCode.Should().Be(1);
        run.Err.Should().Contain("line 12, column 5: Unknown key 'refesh'");
        await using var db = await Contexts().CreateDbContextAsync();
        (await db.CoinPools.SingleAsync()).MaxMicros.Should().Be(100_000_000);
    }

    [Fact]
    public async Task Clients_created_on_the_command_line_are_listed_with_their_balance()
    {
        var create = await Cli("clients", "create", "alpha", "beta");
        var list = await Cli("clients", "list");

        create.ExitCode.Should().Be(0, create.Err);
        create.OutLines.Should().Equal("created alpha", "created beta");
        list.ExitCode.Should().Be(0, list.Err);
        list.OutLines.Should().Equal(
            "name\tactive\trequests\ttokens\tcoins\tbalance",
            "alpha\tyes\t0\t0\t0\t100",
            "beta\tyes\t0\t0\t0\t100");
    }

    [Fact]
    public async Task Creating_a_client_with_a_bad_name_exits_1_naming_it_and_creates_nothing()
    {
        var run = await Cli("clients", "create", "Bad!Name");

        run.ExitCode.Should().Be(1);
        run.Err.Should().StartWith("error: Bad!Name: ");
        run.Out.Should().BeEmpty();
        (await Cli("clients", "list")).OutLines.Should().ContainSingle("only the header is listed");
    }

    [Fact]
    public async Task A_bad_name_is_told_every_rule_it_breaks_in_the_dialogs_words()
    {
        var run = await Cli("clients", "create", "-Bad!");

        run.ExitCode.Should().Be(1);
        run.Err.Should().Be("error: -Bad!: " + ClientName.Validate("-Bad!") + Environment.NewLine);
        run.Err.Should().Contain("must start with a lower-case letter or a digit").And.Contain("may only hold lower-case letters");
    }

    [Fact]
    public async Task Creating_a_taken_name_with_another_exits_1_naming_it_and_creates_neither()
    {
        (await Cli("clients", "create", "alpha")).ExitCode.Should().Be(0);

        var run = await Cli("clients", "create", "alpha", "beta");

        run.ExitCode.Should().Be(1);
        run.ErrLines.Should().Equal(
            "error: alpha: A client named 'alpha' already exists.",
            "error: Nothing was created: fix the names above and try again.");
        run.Out.Should().BeEmpty();
        (await Cli("clients", "list")).OutLines.Skip(1).Should().Equal("alpha\tyes\t0\t0\t0\t100");
    }

    [Fact]
    public async Task Creating_good_names_with_a_bad_one_creates_none_and_names_the_bad_one()
    {
        var run = await Cli("clients", "create", "a", "good", "BAD");

        run.ExitCode.Should().Be(1);
        run.ErrLines.Should().Equal(
            "error: BAD: " + ClientName.Validate("BAD"),
            "error: Nothing was created: fix the names above and try again.");
        run.Out.Should().BeEmpty();
        (await Cli("clients", "list")).OutLines.Should().ContainSingle("only the header is listed");
    }

    [Fact]
    public async Task Keys_create_prints_only_the_full_key_which_then_verifies_and_can_be_revoked()
    {
        (await Cli("clients", "create", "bot")).ExitCode.Should().Be(0);

        var run = await Cli("keys", "create", "bot", "--name", "ci");

        run.ExitCode.Should().Be(0, run.Err);
        run.Err.Should().BeEmpty();
        var key = run.OutLines.Should().ContainSingle().Subject;
        await using var services = KeyServices();
        var keys = services.GetRequiredService<KeyVerifier>();
        var check = await keys.VerifyAsync(key);
        check.Status.Should().Be(KeyStatus.Valid);
        check.ClientName.Should().Be("bot");
        await using (var db = await Contexts().CreateDbContextAsync())
            (await db.ApiKeys.SingleAsync()).Name.Should().Be("ci");

        var revoke = await Cli("keys", "revoke", "bot", key);

        revoke.ExitCode.Should().Be(0, revoke.Err);
        revoke.Out.Should().StartWith("revoked ");
        (await keys.VerifyAsync(key)).Status.Should().Be(KeyStatus.Invalid);
    }

    [Fact]
    public async Task Keys_for_an_unknown_client_or_key_exit_1()
    {
        (await Cli("clients", "create", "bot")).ExitCode.Should().Be(0);

        var noClient = await Cli("keys", "create", "ghost");
        var noKey = await Cli("keys", "revoke", "bot", "lmn_nothing");

        noClient.ExitCode.Should().Be(1);
        noClient.Err.Should().Contain("'ghost' was not found");
        noKey.ExitCode.Should().Be(1);
        noKey.Err.Should().Contain("has no key 'lmn_nothing'");
    }

    [Fact]
    public async Task Managers_are_added_and_removed_and_bad_requests_exit_1()
    {
        (await Cli("clients", "create", "bot")).ExitCode.Should().Be(0);

        var add = await Cli("managers", "add", "bot", "Ops@Example.org");
        add.ExitCode.Should().Be(0, add.Err);
        add.OutLines.Should().Equal("ops@example.org manages bot");
        await using (var db = await Contexts().CreateDbContextAsync())
            (await db.Managers.Select(m => m.Email).ToListAsync()).Should().Equal("ops@example.org");

        var again = await Cli("managers", "add", "bot", "OPS@example.org");
        again.ExitCode.Should().Be(0, again.Err);
        again.OutLines.Should().Equal("ops@example.org is already a manager of bot.");
        await using (var db = await Contexts().CreateDbContextAsync())
            (await db.Managers.CountAsync()).Should().Be(1);

        var notAnEmail = await Cli("managers", "add", "bot", "ops");
        notAnEmail.ExitCode.Should().Be(1);
        notAnEmail.Err.Should().Contain("'ops' is not an e-mail address");

        var remove = await Cli("managers", "remove", "bot", "ops@example.org");
        remove.ExitCode.Should().Be(0, remove.Err);
        remove.OutLines.Should().Equal("ops@example.org no longer manages bot");
        await using (var db = await Contexts().CreateDbContextAsync())
            (await db.Managers.AnyAsync()).Should().BeFalse();

        var removeAgain = await Cli("managers", "remove", "bot", "ops@example.org");
        removeAgain.ExitCode.Should().Be(1);
        removeAgain.Err.Should().Contain("is not a manager of 'bot'");

        var unknownClient = await Cli("managers", "add", "ghost", "ops@example.org");
        unknownClient.ExitCode.Should().Be(1);
        unknownClient.Err.Should().Contain("'ghost' was not found");
    }

    [Fact]
    public async Task An_address_without_a_dot_in_its_domain_can_be_made_a_manager_as_sign_in_accepts_it()
    {
        (await Cli("clients", "create", "bot")).ExitCode.Should().Be(0);

        var add = await Cli("managers", "add", "bot", "Alice@Intranet");

        add.ExitCode.Should().Be(0, add.Err);
        add.OutLines.Should().Equal("alice@intranet manages bot");
        await using var db = await Contexts().CreateDbContextAsync();
        (await db.Managers.Select(m => m.Email).ToListAsync()).Should().Equal("alice@intranet");
    }

    [Fact]
    public async Task Consent_is_granted_for_a_graylisted_model_and_withdrawn_and_bad_requests_exit_1()
    {
        (await Cli("clients", "create", "bot")).ExitCode.Should().Be(0);

        var grant = await Cli("consent", "grant", "bot", "gated");
        grant.ExitCode.Should().Be(0, grant.Err);
        grant.OutLines.Should().Equal("consent for gated recorded");
        await using (var db = await Contexts().CreateDbContextAsync())
            (await db.Consents.CountAsync(c => c.Model == "gated" && c.WithdrawnAt == null)).Should().Be(1);

        var whitelisted = await Cli("consent", "grant", "bot", "dummy");
        whitelisted.ExitCode.Should().Be(1);
        whitelisted.Err.Should().Contain("'dummy' is not graylisted");

        var undefined = await Cli("consent", "grant", "bot", "nonesuch");
        undefined.ExitCode.Should().Be(1);
        undefined.Err.Should().Contain("'nonesuch' is not defined");

        var withdraw = await Cli("consent", "withdraw", "bot", "gated");
        withdraw.ExitCode.Should().Be(0, withdraw.Err);
        withdraw.OutLines.Should().Equal("consent for gated withdrawn");
        await using (var db = await Contexts().CreateDbContextAsync())
            (await db.Consents.CountAsync(c => c.WithdrawnAt == null)).Should().Be(0);

        var withdrawAgain = await Cli("consent", "withdraw", "bot", "gated");
        withdrawAgain.ExitCode.Should().Be(1);
        withdrawAgain.Err.Should().Contain("has no consent for 'gated'");
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("clients")]
    [InlineData("clients create")]
    [InlineData("keys create")]
    [InlineData("init-db now")]
    public async Task A_command_that_is_not_understood_prints_the_usage_exits_2_and_touches_nothing(string command)
    {
        var run = await Cli(command.Split(' '));

        run.ExitCode.Should().Be(2);
        run.Err.Should().Contain("usage:").And.Contain("clients create NAME");
        run.Out.Should().BeEmpty();
        File.Exists(DatabasePath).Should().BeFalse("a mistyped command must not create a database");
    }

    [Fact]
    public async Task A_secret_that_is_too_short_is_reported_without_a_stack_trace()
    {
        var run = await CliRunnerResult.RunAsync(
            ["keys", "create", "bot", "--config", ConfigPath, $"--ConnectionStrings:Lumen={ConnectionString}", "--Lumen:ApiKeySecret=short"]);

        run.ExitCode.Should().Be(1);
        run.Err.Should().StartWith("error: Lumen:ApiKeySecret must be at least 32 characters");
        run.Err.Should().NotContain("   at ");
    }

    [Theory]
    [InlineData("clients", "list")]
    [InlineData("init-db")]
    public async Task An_unreachable_database_is_one_clear_error_line_and_exit_1(params string[] words)
    {
        var closedPort = ClosedLoopbackPort();

        var run = await CliRunnerResult.RunAsync([.. words, "--config", ConfigPath, "--Database:Provider=PostgreSQL",
            $"--ConnectionStrings:Lumen=Host=127.0.0.1;Port={closedPort};Database=lumen;Username=lumen;Timeout=3",
            $"--Lumen:ApiKeySecret={Secret}"]);

        run.ExitCode.Should().Be(1);
        run.Out.Should().BeEmpty();
        var line = run.ErrLines.Should().ContainSingle().Subject;
        line.Should().StartWith("error: the database cannot be used (PostgreSQL): ").And.Contain($"127.0.0.1:{closedPort}");
    }

    [Fact]
    public async Task Audit_list_shows_the_changes_newest_first_filtered_and_limited()
    {
        (await Cli("clients", "create", "alpha", "beta")).ExitCode.Should().Be(0);
        (await Cli("managers", "add", "alpha", "m@example.org")).ExitCode.Should().Be(0);

        var all = await Cli("audit", "list");
        var alpha = await Cli("audit", "list", "--client", "alpha", "--actor", "CLI", "--limit", "1");
        var future = await Cli("audit", "list", "--since", "2999-01-01T00:00:00Z");
        var bad = await Cli("audit", "list", "--since", "yesterday");
        var tooMany = await Cli("audit", "list", "--limit", "0");

        all.ExitCode.Should().Be(0, all.Err);
        all.OutLines[0].Should().Be("time (UTC)\tactor\taction\tclient\tsummary");
        all.OutLines.Skip(1).Select(l => l.Split('\t')[2]).Should().Equal("manager.added", "client.created", "client.created");
        alpha.OutLines.Should().HaveCount(2);
        alpha.OutLines[1].Should().MatchRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\tcli\tmanager.added\talpha\tmanager added m@example.org$");
        future.OutLines.Should().ContainSingle("only the header: nothing happened after 2999");
        bad.ExitCode.Should().Be(1);
        bad.Err.Should().Contain("--since 'yesterday' is not an ISO time");
        tooMany.ExitCode.Should().Be(1);
        tooMany.Err.Should().Contain("--limit '0' is not a whole number from 1 to 1000");
    }

    /// <summary>A loopback port nothing listens on: bound and released, so it was free a moment ago.</summary>
    private static int ClosedLoopbackPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private Task<CliRunnerResult> Cli(params string[] words) => CliRunnerResult.RunAsync(
        [.. words, "--config", ConfigPath, $"--ConnectionStrings:Lumen={ConnectionString}", $"--Lumen:ApiKeySecret={Secret}"]);

    private IDbContextFactory<LumenDbContext> Contexts() =>
        DatabaseProvider.CreateFactory(new DatabaseOptions(DatabaseProviderKind.Sqlite, ConnectionString));

    /// <summary>The key services as a second process would build them: same database, same secret.</summary>
    private ServiceProvider KeyServices() => new ServiceCollection()
        .AddLogging()
        .AddLumenCore(new DatabaseOptions(DatabaseProviderKind.Sqlite, ConnectionString))
        .AddSingleton(ConfigState.Load(ConfigPath))
        .AddSingleton(new ApiKeyHasher(Encoding.UTF8.GetBytes(Secret)))
        .BuildServiceProvider();
}

/// <summary>One in-process run of the command line: its exit code and what it wrote.</summary>
internal sealed record CliRunnerResult(int ExitCode, string Out, string Err)
{
    public IReadOnlyList<string> OutLines => Lines(Out);
    public IReadOnlyList<string> ErrLines => Lines(Err);

    private static List<string> Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();

    public static async Task<CliRunnerResult> RunAsync(string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await CliRunner.RunAsync(args, stdout, stderr);
        return new(code, stdout.ToString(), stderr.ToString());
    }
}

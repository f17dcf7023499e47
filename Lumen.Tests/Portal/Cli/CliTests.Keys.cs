using System.Globalization;
using Lumen.Infrastructure.ApiKeys;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Lumen.Tests.Portal.Cli;

/// <summary>§22 on the command line: --expires, the ceiling and its default, rotate, list, and options a verb does not know.</summary>
public sealed partial class CliTests
{
    [Fact]
    public async Task Keys_create_takes_days_a_date_or_never_and_refuses_anything_else()
    {
        (await Cli("clients", "create", "bot")).ExitCode.Should().Be(0);

        var days = await Cli("keys", "create", "bot", "--expires", "30");
        var date = await Cli("keys", "create", "bot", "--expires", "2099-12-31");
        var never = await Cli("keys", "create", "bot", "--expires", "never");
        var bad = await Cli("keys", "create", "bot", "--expires", "soon");

        foreach (var run in new[] { days, date, never }) run.OutLines.Should().ContainSingle(run.Err).Which.Should().StartWith("lmn_");
        bad.ExitCode.Should().Be(1);
        bad.Err.Should().Contain("'soon' is not a lifetime");
        await using var db = await Contexts().CreateDbContextAsync();
        var expiries = await db.ApiKeys.OrderBy(k => k.Id).Select(k => k.ExpiresAt).ToListAsync();
        expiries.Should().HaveCount(3);
        expiries[0].Should().BeCloseTo(DateTime.UtcNow.AddDays(30), TimeSpan.FromMinutes(1));
        expiries[1].Should().Be(new DateTime(2100, 1, 1));
        expiries[2].Should().BeNull();
    }

    [Fact]
    public async Task Under_a_ceiling_keys_create_refuses_longer_and_gives_the_ceiling_without_expires()
    {
        File.WriteAllText(ConfigPath, GoodConfig + "\nkeys: {max_days: 90}\n");
        (await Cli("clients", "create", "bot")).ExitCode.Should().Be(0);

        var year = await Cli("keys", "create", "bot", "--expires", "365");
        var never = await Cli("keys", "create", "bot", "--expires", "never");
        var byDefault = await Cli("keys", "create", "bot");

        year.ExitCode.Should().Be(1);
        year.Err.Should().Contain("at most 90 days");
        year.Out.Should().BeEmpty();
        never.ExitCode.Should().Be(1);
        never.Err.Should().Contain("Keys must expire");
        byDefault.ExitCode.Should().Be(0, byDefault.Err);
        await using var db = await Contexts().CreateDbContextAsync();
        (await db.ApiKeys.SingleAsync()).ExpiresAt.Should().BeCloseTo(DateTime.UtcNow.AddDays(90), TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task Keys_rotate_prints_only_the_successor_and_keys_list_shows_which_replaced_which()
    {
        (await Cli("clients", "create", "bot")).ExitCode.Should().Be(0);
        var old = (await Cli("keys", "create", "bot", "--name", "ci", "--expires", "30")).OutLines.Single();

        var rotate = await Cli("keys", "rotate", "bot", old, "--grace", "1h");
        var again = await Cli("keys", "rotate", "bot", old, "--grace", "0");
        var badGrace = await Cli("keys", "rotate", "bot", old, "--grace", "2h");
        var list = await Cli("keys", "list", "bot");

        rotate.ExitCode.Should().Be(0, rotate.Err);
        var successor = rotate.OutLines.Should().ContainSingle().Subject;
        await using var services = KeyServices();
        var keys = services.GetRequiredService<KeyVerifier>();
        (await keys.VerifyAsync(successor)).Status.Should().Be(KeyStatus.Valid);
        (await keys.VerifyAsync(old)).Status.Should().Be(KeyStatus.Valid, "the old key works through its hour of grace");
        again.ExitCode.Should().Be(1);
        again.Err.Should().Contain("already rotated");
        badGrace.Err.Should().Contain("0, 1h, 1d or 7d");

        list.ExitCode.Should().Be(0, list.Err);
        var rows = list.OutLines.Select(l => l.Split('\t')).ToList();
        rows[0].Should().Equal("hint", "name", "status", "created", "expires", "last_used", "replaced_by");
        rows.Should().HaveCount(3);
        var hintOf = (string key) => rows.Skip(1).Single(r => key.StartsWith(r[0][..17], StringComparison.Ordinal));
        var (oldRow, newRow) = (hintOf(old), hintOf(successor));
        oldRow[1..3].Should().Equal("ci", "active");
        oldRow[6].Should().Be(newRow[0]);
        newRow[1..3].Should().Equal("ci", "active");
        newRow[5..].Should().Equal("never", "-");
        DateTime.ParseExact(oldRow[4], "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal)
            .Should().BeCloseTo(DateTime.UtcNow.AddHours(1), TimeSpan.FromMinutes(1));
    }

    [Theory]
    [InlineData("keys create bot --expire 365", "--expire")]
    [InlineData("keys revoke bot lmn_x --grace 1h", "--grace")]
    [InlineData("clients list --name x", "--name")]
    public async Task An_option_a_verb_does_not_know_is_an_error_and_nothing_is_done(string command, string option)
    {
        (await Cli("clients", "create", "bot")).ExitCode.Should().Be(0);

        var run = await Cli(command.Split(' '));

        run.ExitCode.Should().Be(2);
        run.Err.Should().Contain($"does not take {option}");
        run.Out.Should().BeEmpty();
        await using var db = await Contexts().CreateDbContextAsync();
        (await db.ApiKeys.CountAsync()).Should().Be(0);
    }
}

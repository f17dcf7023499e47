using Lumen.Domain.ApiKeys;

namespace Lumen.Tests.Domain.ApiKeys;

/// <summary>§22's lifetimes, graces and ceiling as the dialog and the command line take them.</summary>
public class KeyLifetimeTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 21, 30, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("30", "2026-03-31T21:30:00")]
    [InlineData(" 365 ", "2027-03-01T21:30:00")]
    [InlineData("2026-03-01", "2026-03-02T00:00:00")]
    [InlineData("2026-12-31", "2027-01-01T00:00:00")]
    [InlineData("never", null)]
    [InlineData("NEVER", null)]
    public void A_lifetime_is_read_and_gives_its_expiry(string text, string? expires)
    {
        var lifetime = KeyLifetime.Parse(text, out var error);

        error.Should().BeEmpty();
        lifetime!.ExpiresAt(Now).Should().Be(expires is null ? null : DateTimeOffset.Parse(expires + "Z", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("36501")]
    [InlineData("1.5")]
    [InlineData("2026-02-30")]
    [InlineData("31/12/2026")]
    [InlineData("forever")]
    [InlineData("")]
    public void Anything_else_is_refused_saying_what_is_taken(string text)
    {
        KeyLifetime.Parse(text, out var error).Should().BeNull();
        error.Should().Contain("number of days").And.Contain("YYYY-MM-DD").And.Contain("never");
    }

    [Theory]
    [InlineData("90", null)]
    [InlineData("91", "at most 90 days")]
    [InlineData("never", "Keys must expire")]
    [InlineData("2026-05-30", null)]        // today + 90
    [InlineData("2026-05-31", "at most 90 days")]
    [InlineData("2026-02-28", "has passed")]
    [InlineData("2026-03-01", null)]        // today
    public void The_ceiling_refuses_what_is_longer_and_a_past_date_is_always_refused(string text, string? refusal)
    {
        var lifetime = KeyLifetime.Parse(text, out _)!;

        var why = lifetime.Refusal(Now, new KeyPolicy(90));

        if (refusal is null) why.Should().BeNull();
        else why.Should().Contain(refusal);
        if (text != "2026-02-28") lifetime.Refusal(Now, KeyPolicy.None).Should().BeNull("without a ceiling only a past date is refused");
    }

    [Fact]
    public void Defaults_are_the_ceiling_or_never_on_the_command_line_and_90_days_in_the_dialog()
    {
        KeyPolicy.None.CommandLineDefault.Should().Be(KeyLifetime.Never);
        new KeyPolicy(60).CommandLineDefault.Should().Be(KeyLifetime.FromDays(60));
        KeyPolicy.None.DialogDefault.Should().Be(KeyLifetime.FromDays(90));
        new KeyPolicy(365).DialogDefault.Should().Be(KeyLifetime.FromDays(90));
        new KeyPolicy(30).DialogDefault.Should().Be(KeyLifetime.FromDays(30));
    }

    [Fact]
    public void A_successor_lives_as_long_as_its_predecessor_within_the_ceiling()
    {
        var created = Now.AddDays(-10);

        KeyLifetime.SuccessorLength(created, created.AddDays(30), KeyPolicy.None).Should().Be(TimeSpan.FromDays(30));
        KeyLifetime.SuccessorLength(created, null, KeyPolicy.None).Should().BeNull();
        KeyLifetime.SuccessorLength(created, created.AddDays(365), new KeyPolicy(90)).Should().Be(TimeSpan.FromDays(90));
        KeyLifetime.SuccessorLength(created, null, new KeyPolicy(90)).Should().Be(TimeSpan.FromDays(90));
    }

    [Theory]
    [InlineData("0", 0, "none")]
    [InlineData("1h", 60, "1 hour")]
    [InlineData("1D", 1440, "1 day")]
    [InlineData("7d", 10080, "7 days")]
    public void Graces_are_read_from_their_words(string text, int minutes, string described)
    {
        var grace = KeyGrace.Parse(text, out _)!;

        grace.Length.Should().Be(TimeSpan.FromMinutes(minutes));
        grace.Describe().Should().Be(described);
    }

    [Theory]
    [InlineData("2h")]
    [InlineData("1")]
    [InlineData("1w")]
    public void Other_graces_are_refused(string text)
    {
        KeyGrace.Parse(text, out var error).Should().BeNull();
        error.Should().Contain("0, 1h, 1d or 7d");
    }
}

using Lumen.Infrastructure.Config;

namespace Lumen.Tests.Infrastructure.Config;

public class KeySuggestionTests
{
    private static readonly string[] EntryKeys = ["max", "refresh", "starting", "model_access"];

    [Theory]
    [InlineData("refesh", "refresh")]
    [InlineData("refersh", "refresh")]
    [InlineData("Max", "max")]
    [InlineData("maxx", "max")]
    [InlineData("strating", "starting")]
    [InlineData("model-access", "model_access")]
    [InlineData("modelaccess", "model_access")]
    [InlineData("budget", null)]
    [InlineData("m", null)]
    [InlineData("refill", null)]
    public void Suggests_the_allowed_key_within_two_edits(string typed, string? expected)
    {
        KeySuggestion.Closest(typed, EntryKeys).Should().Be(expected);
    }
}

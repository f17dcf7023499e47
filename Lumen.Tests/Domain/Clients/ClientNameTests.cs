using Lumen.Domain.Clients;

namespace Lumen.Tests.Domain.Clients;

public class ClientNameTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("research-bot")]
    [InlineData("data_pipeline.v2")]
    [InlineData("9lives")]
    [InlineData("defaults")]
    public void Valid_names_are_accepted(string name) => ClientName.TryCreate(name, out _, out _).Should().BeTrue();

    [Theory]
    [InlineData("", "required")]
    [InlineData("   ", "required")]
    [InlineData("Research-Bot", "lower-case")]
    [InlineData("-bot", "start")]
    [InlineData(".bot", "start")]
    [InlineData("my bot", "only hold")]
    [InlineData("<script>alert(1)</script>", "start")]
    [InlineData("bot<b>", "only hold")]
    [InlineData("default", "reserved")]
    public void Invalid_names_get_a_clear_message(string name, string fragment)
    {
        ClientName.TryCreate(name, out _, out var error).Should().BeFalse();
        error.Should().Contain(fragment);
    }

    [Fact]
    public void A_name_breaking_several_rules_is_told_every_rule_it_breaks()
    {
        ClientName.Validate("-Bad Name" + new string('x', 64)).Should().Be(
            "A client name has at most 64 characters. " +
            "A client name must start with a lower-case letter or a digit. " +
            "A client name may only hold lower-case letters, digits, '-', '_' and '.'.");
    }

    [Fact]
    public void Names_are_at_most_64_characters()
    {
        ClientName.TryCreate(new string('a', 64), out _, out _).Should().BeTrue();
        ClientName.TryCreate(new string('a', 65), out _, out var error).Should().BeFalse();
        error.Should().Contain("64");
    }

    [Theory]
    [InlineData("research-bot", "research-bot")]
    [InlineData("Research-Bot", "research-bot")]
    [InlineData("  alpha\t", "alpha")]
    [InlineData("DATA_PIPELINE.V2", "data_pipeline.v2")]
    [InlineData("my bot", "my bot")]
    [InlineData("", "")]
    public void A_typed_or_linked_name_is_looked_up_trimmed_and_lower_case(string text, string key) =>
        ClientName.Normalize(text).Should().Be(key);
}

using Lumen.Domain.People;

namespace Lumen.Tests.Domain.People;

/// <summary>§6: one rule for the addresses people sign in with and are made managers by.</summary>
public class EmailAddressTests
{
    /// <summary>Addresses, as an identity provider or an admin may write them, and their stored form.</summary>
    public static TheoryData<string, string> Valid => new()
    {
        { "alice@example.org", "alice@example.org" },
        { "alice@intranet", "alice@intranet" },
        { "  Jane.Doe@Example.ORG ", "jane.doe@example.org" },
        { "o'brien@example.org", "o'brien@example.org" },
        { "first.last+tag@sub.example.co.uk", "first.last+tag@sub.example.co.uk" },
        { "user_1@host-name", "user_1@host-name" },
        { "a@b", "a@b" },
    };

    private const string Required = "An e-mail address is required.";
    private const string Control = "An e-mail address cannot hold control characters.";
    private static string NotAnAddress(string text) => $"'{text}' is not an e-mail address like name@example.org.";

    /// <summary>Text that is not an address, and the one message both sign-in and manager assignment give for it.</summary>
    public static TheoryData<string?, string> Invalid => new()
    {
        { null, Required },
        { "", Required },
        { "   ", Required },
        { "alice", NotAnAddress("alice") },
        { "alice@", NotAnAddress("alice@") },
        { "@intranet", NotAnAddress("@intranet") },
        { "alice@@intranet", NotAnAddress("alice@@intranet") },
        { "alice@bob@intranet", NotAnAddress("alice@bob@intranet") },
        { "alice smith@example.org", NotAnAddress("alice smith@example.org") },
        { "alice@exa mple.org", NotAnAddress("alice@exa mple.org") },
        { "Alice <alice@example.org>", NotAnAddress("Alice <alice@example.org>") },
        { "<alice@example.org>", NotAnAddress("<alice@example.org>") },
        { "alice@example.org, bob@example.org", NotAnAddress("alice@example.org, bob@example.org") },
        { "alice@example.org;bob@example.org", NotAnAddress("alice@example.org;bob@example.org") },
        { "\"alice\"@example.org", NotAnAddress("\"alice\"@example.org") },
        { "alice@.org", NotAnAddress("alice@.org") },
        { "alice@example..org", NotAnAddress("alice@example..org") },
        { "alice@example.org.", NotAnAddress("alice@example.org.") },
        { "alice\0@example.org", Control },
        { "alice@exam\tple.org", Control },
        { "al\u0007ice@example.org", Control },
        { new string('a', 250) + "@b.org", "An e-mail address has at most 254 characters." },
    };

    [Theory, MemberData(nameof(Valid))]
    public void An_address_is_accepted_and_stored_trimmed_and_lower_case(string text, string stored)
    {
        EmailAddress.TryCreate(text, out var address, out var error).Should().BeTrue(error);
        address.Value.Should().Be(stored);
        EmailAddress.Validate(text).Should().BeNull();
    }

    [Theory, MemberData(nameof(Invalid))]
    public void Text_that_is_not_an_address_is_refused_with_a_clear_message(string? text, string message)
    {
        EmailAddress.TryCreate(text, out _, out var error).Should().BeFalse();
        error.Should().Be(message);
        EmailAddress.IsValid(text).Should().BeFalse();
    }

    [Fact]
    public void The_longest_address_is_254_characters()
    {
        var longest = new string('a', 248) + "@b.org";
        EmailAddress.IsValid(longest).Should().BeTrue();
        EmailAddress.IsValid("a" + longest).Should().BeFalse();
    }
}

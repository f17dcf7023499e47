using Lumen.Domain.ApiKeys;

namespace Lumen.Tests.Domain.ApiKeys;

public class ApiKeyFormatTests
{
    [Fact]
    public void Generated_keys_have_the_documented_shape_and_parse_back()
    {
        var key = ApiKeyFormat.Generate();
        key.FullKey.Should().MatchRegex("^lmn_[0-9A-Za-z]{12}_[0-9A-Za-z]{43}$");
        ApiKeyFormat.TryParse(key.FullKey, out var id, out var secret).Should().BeTrue();
        id.Should().Be(key.PublicId);
        secret.Should().Be(key.Secret);
    }

    [Fact]
    public void Generated_keys_carry_at_least_190_bits() =>
        (ApiKeyFormat.SecretLength * Math.Log2(62)).Should().BeGreaterThanOrEqualTo(190);

    [Fact]
    public void Generated_keys_differ() =>
        Enumerable.Range(0, 1000).Select(_ => ApiKeyFormat.Generate().FullKey).Distinct().Should().HaveCount(1000);

    [Fact]
    public void Hint_shows_the_public_id_and_last_four() =>
        ApiKeyFormat.Hint("abcdefghijkl", "0123456789012345678901234567890123WXYZ").Should().Be("lmn_abcdefghijkl_…WXYZ");

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("sk-abcdefghijkl_0123456789012345678901234567890123")]
    [InlineData("lmn_abcdefghijk_0123456789012345678901234567890123")]      // id too short
    [InlineData("lmn_abcdefghijkl-0123456789012345678901234567890123")]     // wrong separator
    [InlineData("lmn_abcdefghijkl_0123456789012345678901234567890")]        // secret of 31
    [InlineData("lmn_abcdefghijkl_01234567890123456789012345678901+3")]     // not base62
    [InlineData("lmn_abcdefgh!jkl_0123456789012345678901234567890123")]
    public void Malformed_keys_do_not_parse(string? key) => ApiKeyFormat.TryParse(key, out _, out _).Should().BeFalse();
}

using Lumen.Domain.Access;
using Lumen.Domain.Models;

namespace Lumen.Tests.Domain.Access;

public class AccessTests
{
    private static readonly ModelCatalog Models = new(
        new[] { "a", "b", "c", "d" }.Select(n => new ModelDefinition(n, ModelPrice.Free, []))
            .Append(new ModelDefinition("retired", ModelPrice.Free, [], Active: false)));

    public static TheoryData<string, string[], string[], string[], bool, AccessStatus, AccessRuleKind> Cases => new()
    {
        // model, black, white, gray, consent → status, rule
        { "a", ["a"], ["a"], ["a"], true, AccessStatus.Denied, AccessRuleKind.Blacklist },      // blacklist beats all
        { "a", ["a"], ["a"], [], false, AccessStatus.Denied, AccessRuleKind.Blacklist },
        { "a", [], ["a"], ["a"], false, AccessStatus.NeedsConsent, AccessRuleKind.Graylist },   // graylist beats whitelist
        { "a", [], [], ["a"], false, AccessStatus.NeedsConsent, AccessRuleKind.Graylist },
        { "a", [], [], ["a"], true, AccessStatus.Consented, AccessRuleKind.Graylist },
        { "a", [], ["a"], [], false, AccessStatus.Allowed, AccessRuleKind.Whitelist },
        { "nope", [], ["nope"], [], true, AccessStatus.NotFound, AccessRuleKind.ModelNotDefined },
        { "retired", [], ["retired"], [], true, AccessStatus.NotFound, AccessRuleKind.ModelNotDefined },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Lists_are_applied_in_precedence_order(string model, string[] black, string[] white, string[] gray,
        bool consent, AccessStatus status, AccessRuleKind rule)
    {
        var decision = new ModelAccessRule(AccessMode.Blacklist, black, white, gray).Decide(model, Models, consent);
        decision.Status.Should().Be(status);
        decision.Rule.Should().Be(rule);
    }

    [Theory]
    [InlineData(AccessMode.Whitelist, false, AccessStatus.Allowed)]
    [InlineData(AccessMode.Blacklist, true, AccessStatus.Denied)]
    [InlineData(AccessMode.Graylist, false, AccessStatus.NeedsConsent)]
    [InlineData(AccessMode.Graylist, true, AccessStatus.Consented)]
    public void An_unlisted_model_follows_the_default_mode(AccessMode mode, bool consent, AccessStatus status)
    {
        var decision = new ModelAccessRule(mode, whitelist: ["b"]).Decide("a", Models, consent);
        decision.Status.Should().Be(status);
        decision.Rule.Should().Be(AccessRuleKind.DefaultMode);
        decision.DefaultMode.Should().Be(mode);
    }

    [Fact]
    public void Deny_all_denies_every_model() =>
        Models.All.Where(m => m.Active).Select(m => ModelAccessRule.DenyAll.Decide(m.Name, Models, true).Status)
            .Should().OnlyContain(s => s == AccessStatus.Denied);

    [Fact]
    public void Consent_is_ignored_while_a_model_is_not_graylisted() =>
        new ModelAccessRule(AccessMode.Blacklist).Decide("a", Models, hasConsent: true).IsAllowed.Should().BeFalse();

    [Fact]
    public void Models_in_several_lists_are_reported() =>
        new ModelAccessRule(AccessMode.Blacklist, ["a", "b"], ["a"], ["b", "c"]).ModelsInSeveralLists()
            .Should().BeEquivalentTo("a", "b");

    [Fact]
    public void Rules_with_the_same_lists_are_equal() =>
        new ModelAccessRule(AccessMode.Graylist, ["a"], ["b", "c"]).Should()
            .Be(new ModelAccessRule(AccessMode.Graylist, ["a"], ["c", "b"]));
}

using Lumen.Domain.Access;
using Lumen.Domain.Budget;
using Lumen.Domain.Clients;
using Lumen.Domain.Config;
using Lumen.Domain.Models;

namespace Lumen.Tests.Infrastructure.Config;

/// <summary>§2.1 as loaded from YAML: a named entry replaces default completely; omitted means blocked/denied.</summary>
public class ClientResolutionTests
{
    private const string Config = """
        models: [{name: dummy}, {name: llama3}]
        clients:
          default:
            max: 100.0
            refresh: 0.05
            starting: 100.0
            model_access:
              default: whitelist
              whitelist: [dummy]
          braces: {}
          bare:
          budget-only:
            refresh: 2
            starting: 5
          access-only:
            model_access:
          unlimited:
            max: -2
            model_access: {default: graylist, whitelist: [dummy]}
        """;

    private static readonly LumenConfig Loaded = ConfigText.Valid(Config).Config!;

    private static ClientSettings Resolve(string name) => Loaded.Clients.Resolve(ClientName.Create(name));

    private static bool Allowed(ClientSettings settings, string model) =>
        settings.Access.Decide(model, Loaded.Models, hasConsent: false).IsAllowed;

    [Theory]
    [InlineData("braces")]
    [InlineData("bare")]
    public void Empty_entries_are_named_entries_that_block_and_deny_everything(string name)
    {
        var settings = Resolve(name);

        settings.Source.Should().Be(EntrySource.NamedEntry);
        settings.Budget.Should().Be(BudgetSettings.Blocked);
        settings.Access.Should().Be(ModelAccessRule.DenyAll);
        new[] { settings.MaxSource, settings.RefreshSource, settings.StartingSource, settings.AccessSource }
            .Should().OnlyContain(s => s == FieldSource.Omitted);
        Allowed(settings, "dummy").Should().BeFalse();
        Allowed(settings, "llama3").Should().BeFalse();
    }

    [Fact]
    public void Named_entry_without_max_gets_max_0_not_the_default_max()
    {
        var settings = Resolve("budget-only");

        settings.Budget.Max.Value.Should().Be(0m);
        settings.Budget.Kind.Should().Be(BudgetKind.Blocked);
        settings.MaxSource.Should().Be(FieldSource.Omitted);
        settings.Budget.RefreshPerHour.Value.Should().Be(2m);
        settings.RefreshSource.Should().Be(FieldSource.Entry);
    }

    [Fact]
    public void Named_entry_without_model_access_denies_every_model_even_those_default_allows()
    {
        var settings = Resolve("budget-only");

        settings.AccessSource.Should().Be(FieldSource.Omitted);
        Allowed(settings, "dummy").Should().BeFalse();
        Allowed(settings, "llama3").Should().BeFalse();
    }

    [Fact]
    public void Empty_model_access_is_present_with_blacklist_default_and_empty_lists()
    {
        var settings = Resolve("access-only");

        settings.AccessSource.Should().Be(FieldSource.Entry);
        settings.Access.Should().Be(new ModelAccessRule(AccessMode.Blacklist));
        Allowed(settings, "dummy").Should().BeFalse();
    }

    [Fact]
    public void Client_without_named_entry_gets_the_default_entry()
    {
        var settings = Resolve("new-tool");

        settings.Source.Should().Be(EntrySource.DefaultEntry);
        settings.Budget.Should().Be(new BudgetSettings(100m, 0.05m, 100m));
        Allowed(settings, "dummy").Should().BeTrue();
        Allowed(settings, "llama3").Should().BeTrue();
        Allowed(settings, "unknown-model").Should().BeFalse();
    }

    [Fact]
    public void Named_entry_is_found_whatever_the_case_of_the_lookup()
    {
        Loaded.Clients.HasNamedEntry(ClientName.Create("unlimited")).Should().BeTrue();
        Resolve("unlimited").Budget.Kind.Should().Be(BudgetKind.Unlimited);
        Resolve("unlimited").Access.Decide("llama3", Loaded.Models, hasConsent: false).Status.Should().Be(AccessStatus.NeedsConsent);
    }

    [Fact]
    public void Without_a_default_entry_a_client_without_entry_gets_nothing()
    {
        var config = ConfigText.Valid("models: [{name: dummy}]\nclients:\n  bot: {max: 5}\n").Config!;

        config.Clients.Default.Should().BeNull();
        config.Clients.Resolve(ClientName.Create("other")).Should().Be(ClientSettings.Nothing);
        config.Clients.Resolve(ClientName.Create("bot")).Budget.Max.Value.Should().Be(5m);
    }

    [Fact]
    public void Empty_default_entry_blocks_clients_without_entry()
    {
        var config = ConfigText.Valid("clients:\n  default:\n").Config!;

        var settings = config.Clients.Resolve(ClientName.Create("other"));
        settings.Source.Should().Be(EntrySource.DefaultEntry);
        settings.SameEffect(ClientSettings.Nothing).Should().BeTrue();
        new ModelCatalog([]).Defines("dummy").Should().BeFalse();
    }
}

using Lumen.Domain.Access;
using Lumen.Domain.Budget;
using Lumen.Domain.Clients;
using Lumen.Domain.Config;
using Lumen.Domain.Models;

namespace Lumen.Tests.Domain.Config;

public class SettingsResolutionTests
{
    private static readonly ModelCatalog Models = new([new ModelDefinition("dummy", ModelPrice.Free, [])]);
    private static readonly ClientEntry DefaultEntry = new(100m, 0.05m, 100m, new ModelAccessEntry(AccessMode.Blacklist, Whitelist: ["dummy"]));

    private static ClientSettings Resolve(string client, ClientEntry? named, ClientEntry? @default = null) =>
        new ClientsSection(@default, named is null ? new Dictionary<string, ClientEntry>() : new() { ["bot"] = named })
            .Resolve(ClientName.Create(client));

    [Fact]
    public void A_named_entry_without_max_is_blocked_and_does_not_inherit_default()
    {
        var settings = Resolve("bot", new ClientEntry(Refresh: 1m, ModelAccess: new ModelAccessEntry(AccessMode.Whitelist)), DefaultEntry);
        settings.Source.Should().Be(EntrySource.NamedEntry);
        settings.Budget.Kind.Should().Be(BudgetKind.Blocked);
        settings.MaxSource.Should().Be(FieldSource.Omitted);
        settings.RefreshSource.Should().Be(FieldSource.Entry);
    }

    [Fact]
    public void A_named_entry_without_model_access_denies_every_model()
    {
        var settings = Resolve("bot", new ClientEntry(Max: 10m), DefaultEntry);
        settings.Access.Decide("dummy", Models, true).Status.Should().Be(AccessStatus.Denied);
        settings.AccessSource.Should().Be(FieldSource.Omitted);
    }

    [Fact]
    public void An_empty_named_entry_is_blocked_and_denies_all()
    {
        var settings = Resolve("bot", ClientEntry.Empty, DefaultEntry);
        settings.Budget.Should().Be(BudgetSettings.Blocked);
        settings.Access.Should().Be(ModelAccessRule.DenyAll);
        settings.Source.Should().Be(EntrySource.NamedEntry);
    }

    [Fact]
    public void Omitted_fields_inside_model_access_are_blacklist_and_empty_lists()
    {
        var settings = Resolve("bot", new ClientEntry(Max: 1m, ModelAccess: new ModelAccessEntry(Graylist: ["dummy"])));
        settings.Access.Default.Should().Be(AccessMode.Blacklist);
        settings.Access.Whitelist.Should().BeEmpty();
        settings.Access.Decide("dummy", Models, false).Status.Should().Be(AccessStatus.NeedsConsent);
    }

    [Fact]
    public void A_client_without_an_entry_gets_default()
    {
        var settings = Resolve("other", new ClientEntry(Max: 1m), DefaultEntry);
        settings.Source.Should().Be(EntrySource.DefaultEntry);
        settings.Budget.Should().Be(new BudgetSettings(100m, 0.05m, 100m));
        settings.Access.Decide("dummy", Models, false).Status.Should().Be(AccessStatus.Allowed);
    }

    [Fact]
    public void Without_default_a_client_without_an_entry_is_blocked_with_no_access()
    {
        var settings = Resolve("other", new ClientEntry(Max: 1m));
        settings.Should().Be(ClientSettings.Nothing);
        settings.Budget.Admits(1000m).Should().BeFalse();
        settings.Access.Decide("dummy", Models, true).IsAllowed.Should().BeFalse();
    }

    [Fact]
    public void Named_entries_match_names_case_insensitively() =>
        new ClientsSection(null, new Dictionary<string, ClientEntry> { ["Bot"] = new(Max: 5m) })
            .HasNamedEntry(ClientName.Create("bot")).Should().BeTrue();
}

using Lumen.Domain.Access;
using Lumen.Domain.Config;
using Lumen.Infrastructure.Clients;
using Lumen.Infrastructure.Changes;
using Lumen.Tests.Infrastructure.Databases;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Tests.Infrastructure.Clients;

/// <summary>A stored setting that does not read back is an error naming the client and the value, never a default.</summary>
public sealed class UnreadableSettingsTests
{
    [Theory]
    [InlineData("AccessDefault", "Foo", "access default")]
    [InlineData("AccessDefault", "1", "access default")]
    [InlineData("SettingsSource", "namedentry", "settings source")]
    [InlineData("SettingsSource", "", "settings source")]
    public async Task The_detail_query_fails_naming_the_client_and_the_unreadable_value(string column, string stored, string what)
    {
        await using var db = await SqliteDatabase.CreateAsync();
        await using var portal = new TestPortal(db);
        await portal.CreateClientAsync("alpha");
        await StoreAsync(portal, "alpha", column, stored);

        var load = () => portal.Get<ClientDetailsQuery>().LoadAsync(TestPortal.Admin, "alpha");

        await load.Should().ThrowAsync<InvalidDataException>().WithMessage($"Client 'alpha' has an unreadable stored {what} '{stored}'.");
    }

    [Fact]
    public async Task Consent_is_neither_granted_nor_refused_over_an_unreadable_access_default()
    {
        await using var db = await SqliteDatabase.CreateAsync();
        await using var portal = new TestPortal(db);
        var client = await portal.CreateClientAsync("alpha");
        await StoreAsync(portal, "alpha", "AccessDefault", "Foo");

        var grant = () => portal.Consents.GrantAsync(TestPortal.Admin, "alpha", "gray-model");

        await grant.Should().ThrowAsync<InvalidDataException>().WithMessage("Client 'alpha' has an unreadable stored access default 'Foo'.");
        (await portal.Consents.ConsentedModelsAsync(client.Id)).Should().BeEmpty();
    }

    [Fact]
    public async Task Applying_the_config_replaces_an_unreadable_setting_and_says_so()
    {
        await using var db = await SqliteDatabase.CreateAsync();
        await using var portal = new TestPortal(db);
        await portal.CreateClientAsync("alpha");
        await portal.CreateClientAsync("beta");
        await StoreAsync(portal, "alpha", "AccessDefault", "Foo");

        var report = await portal.Sync.ApplyAsync(portal.Config.InForce!);

        var change = report.Changes.Should().ContainSingle().Subject;
        (change.Client, change.Kind, change.Before).Should().Be(("alpha", ChangeKind.SettingsApplied, (AppliedSettings?)null));
        change.Summary.Should().Be("config applied; Client 'alpha' has an unreadable stored access default 'Foo'.");
        report.Unchanged.Should().Be(1);
        var details = (await portal.Get<ClientDetailsQuery>().LoadAsync(TestPortal.Admin, "alpha")).Unwrap();
        details.Applied.Access.Default.Should().Be(AccessMode.Blacklist, "the default entry's, as the config says");
        details.ResolvedIsApplied.Should().BeTrue();
    }

    internal static async Task StoreAsync(TestPortal portal, string client, string column, string value)
    {
        await using var context = await portal.Contexts.CreateDbContextAsync();
        var updated = column == "AccessDefault"
            ? await context.Clients.Where(c => c.Name == client).ExecuteUpdateAsync(s => s.SetProperty(c => c.AccessDefault, value))
            : await context.Clients.Where(c => c.Name == client).ExecuteUpdateAsync(s => s.SetProperty(c => c.SettingsSource, value));
        updated.Should().Be(1);
    }
}

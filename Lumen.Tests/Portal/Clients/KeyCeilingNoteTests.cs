using Bunit;
using Lumen.Domain.ApiKeys;
using Lumen.Infrastructure.Changes;
using Lumen.Infrastructure.Config;
using Lumen.Infrastructure.UseCases;
using Lumen.Portal.Clients;
using Lumen.Tests.Infrastructure;

namespace Lumen.Tests.Portal.Clients;

/// <summary>§22: keys that exist when a ceiling appears keep their lifetime, and admins are told how many exceed it.</summary>
public sealed class KeyCeilingNoteTests : ClientsComponentTest
{
    [Fact]
    public async Task Admins_are_told_how_many_working_keys_outlive_a_new_ceiling()
    {
        await Portal.CreateClientAsync("bot");
        (await Portal.Keys.CreateAsync(Actor.Cli, "bot", "forever", KeyLifetime.Never)).Unwrap();
        (await Portal.Keys.CreateAsync(Actor.Cli, "bot", "year", KeyLifetime.FromDays(365))).Unwrap();
        (await Portal.Keys.CreateAsync(Actor.Cli, "bot", "month", KeyLifetime.FromDays(30))).Unwrap();
        SignIn(AdminEmail, admin: true);
        var cut = Render<ConfigNotes>();
        cut.FindAll(".keys-beyond-ceiling").Should().BeEmpty("no ceiling, nothing to say");

        Portal.Config.Apply(ConfigLoader.Parse(TestPortal.Yaml + "\nkeys: {max_days: 90}\n"));
        await Portal.Feed.PublishAsync(Change.ConfigLoaded("keys: max_days 90"));

        cut.WaitForAssertion(() => cut.Find(".keys-beyond-ceiling").TextContent.Should()
            .Contain("2 working API keys outlive the config's ceiling of").And.Contain("90 days"));
    }
}

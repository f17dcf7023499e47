using System.Net;
using Lumen.Tests.Portal.Site;

namespace Lumen.Tests.Portal.Audit;

/// <summary>
/// A config apply that changes two clients, through the real server: the manager of one reads only their client's
/// change in its history CSV and on the detail page; the admins' audit CSV keeps the whole entry. Its own site, as the apply changes the config.
/// </summary>
public sealed class HistoryCsvOfAnApplyTests(PortalSite site) : IClassFixture<PortalSite>
{
    [Fact]
    public async Task A_managers_history_csv_holds_only_their_clients_part_of_an_apply()
    {
        await site.SaveConfigAsync(PortalSite.Config().Default(PortalSite.DefaultEntry with { Max = 40.0m }).ToString());

        using var manager = await site.SignInAs(PortalSite.ManagerOfA);
        var history = await manager.GetStringAsync(new Uri($"/clients/{PortalSite.ClientA}/history.csv", UriKind.Relative));
        history.Should().Contain($"{PortalSite.ClientA}: max 100 → 40").And.NotContain(PortalSite.ClientB);
        var page = WebUtility.HtmlDecode(await manager.GetStringAsync(new Uri($"/clients/{PortalSite.ClientA}/history", UriKind.Relative)));
        page.Should().Contain($"{PortalSite.ClientA}: max 100 → 40").And.NotContain(PortalSite.ClientB, "the history panel reads the same use case");

        using var admin = await site.SignInAs(PortalSite.Admin);
        var trail = await admin.GetStringAsync(new Uri("/audit.csv?action=config.applied", UriKind.Relative));
        trail.Should().Contain($"{PortalSite.ClientA}: max 100 → 40").And.Contain($"{PortalSite.ClientB}: max 100 → 40");
    }
}

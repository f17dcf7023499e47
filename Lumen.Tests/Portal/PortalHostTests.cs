using System.Net;
using Lumen.Portal.Hosting;
using Lumen.Tests.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Lumen.Tests.Portal;

public sealed class PortalHostTests
{
    [Fact]
    public async Task Home_page_renders_for_anonymous_visitors_without_the_config()
    {
        await using var host = new TestHost();
        using var client = host.CreateClient();

        using var response = await client.GetAsync(new Uri("/", UriKind.Relative));
        var html = await response.Content.ReadAsStringAsync();

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        html.Should().Contain("Lumen Portal").And.Contain("Sign in").And.NotContain(host.ConfigPath, "only admins see the config");
    }

    [Fact]
    public async Task Kestrel_accepts_connections_from_a_deep_queue_which_a_setting_can_change()
    {
        await using var standard = new TestHost(new TestHostOptions { Kestrel = true });
        await using var set = new TestHost(new TestHostOptions { Kestrel = true, Settings = [("Gateway:AcceptBacklog", "1000")] });
        await standard.InitializeAsync();
        await set.InitializeAsync();

        Backlog(standard).Should().Be(AcceptBacklog.DefaultBacklog, "Kestrel's own 512 turned away thousands of streams opened at once");
        Backlog(set).Should().Be(1000);
    }

    private static int Backlog(TestHost host) => host.Services.GetRequiredService<IOptions<SocketTransportOptions>>().Value.Backlog;
}

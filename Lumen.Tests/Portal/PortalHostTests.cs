using System.Net;
using Lumen.Tests.Hosting;

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
}

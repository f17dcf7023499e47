using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Lumen.Tests.Portal;

public sealed class PortalHostTests : IDisposable
{
    private readonly string _configPath = Path.Combine(
        Directory.CreateTempSubdirectory("lumen-host-").FullName, "config.yaml");

    public PortalHostTests() => File.WriteAllText(_configPath, "admins: [admin@example.org]\nclients: {}\n");

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_configPath)!, recursive: true);

    [Fact]
    public async Task Home_page_renders_for_anonymous_visitors_without_the_config()
    {
        await using var factory = new WebApplicationFactory<Program>()
            .WithWebHostBuilder(b => b.UseSetting("Lumen:ConfigPath", _configPath));
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(new Uri("/", UriKind.Relative));
        var html = await response.Content.ReadAsStringAsync();

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        html.Should().Contain("Lumen Portal").And.Contain("Sign in").And.NotContain(_configPath, "only admins see the config");
    }
}

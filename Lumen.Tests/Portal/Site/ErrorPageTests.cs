using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Lumen.Tests.Portal.Site;

/// <summary>Production's exception handler re-executes <c>/Error</c>: a real page that shows nothing of the exception.</summary>
public sealed class ErrorPageTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lumen-error-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Production_has_an_error_page()
    {
        var config = Path.Combine(_dir, "config.yaml");
        await File.WriteAllTextAsync(config, "admins: [admin@example.org]\nclients: {}\n");
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Production");
            b.UseSetting("Lumen:ConfigPath", config);
            b.UseSetting("ConnectionStrings:Lumen", $"Data Source={Path.Combine(_dir, "lumen.db")}");
            b.UseSetting("Lumen:ApiKeySecret", "error-page-secret-0123456789abcdefghijklmnop");
            b.UseSetting("Oidc:Authority", "https://oidc.invalid/");
            b.UseSetting("Oidc:ClientId", "lumen");
        });
        using var http = factory.CreateClient();

        using var response = await http.GetAsync(new Uri("/Error", UriKind.Relative));
        var html = await response.Content.ReadAsStringAsync();

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        html.Should().Contain("Something went wrong").And.Contain("Request id");
    }
}

using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

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
            // A request that fails inside the portal's own pipeline, behind its exception handler.
            b.ConfigureServices(s => s.AddTransient<IStartupFilter, FailingPathFilter>());
        });
        using var http = factory.CreateClient();

        using var response = await http.GetAsync(new Uri("/boom", UriKind.Relative));
        var html = await response.Content.ReadAsStringAsync();

        response.StatusCode.Should().Be(HttpStatusCode.InternalServerError);
        html.Should().Contain("Something went wrong").And.Contain("Request id").And.NotContain(FailingPathFilter.Secret);
    }
}

/// <summary>Appends, after the portal's endpoints, a step that throws for <c>/boom</c> with a message nobody may see.</summary>
internal sealed class FailingPathFilter : IStartupFilter
{
    public const string Secret = "internal detail 10.0.0.7:5432";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        next(app);
        app.Run(http => http.Request.Path == "/boom" ? throw new InvalidOperationException(Secret) : Task.CompletedTask);
    };
}

using System.Net;
using Lumen.Tests.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Lumen.Tests.Portal.Site;

/// <summary>Production's exception handler re-executes <c>/Error</c>: a real page that shows nothing of the exception.</summary>
public sealed class ErrorPageTests
{
    [Fact]
    public async Task Production_has_an_error_page()
    {
        await using var host = new TestHost(new TestHostOptions
        {
            Environment = "Production",
            OidcIssuer = new Uri("https://oidc.invalid/"),
            // A request that fails inside the portal's own pipeline, behind its exception handler.
            Services = s => s.AddTransient<IStartupFilter, FailingPathFilter>(),
        });
        using var http = host.CreateClient();

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

using System.Net;
using System.Text.Json;
using Lumen.Tests.Infrastructure.Databases;
using Npgsql;

namespace Lumen.Tests.Operations;

/// <summary>§19's probes against real databases: a throwaway PostgreSQL cluster that goes away and comes back.</summary>
public sealed class ReadinessTests
{
    [Fact]
    public async Task Readyz_goes_503_naming_the_database_when_PostgreSQL_stops_and_200_when_it_returns()
    {
        await using var postgres = await PostgresServer.StartThrowawayAsync();
        var connection = new NpgsqlConnectionStringBuilder(postgres.AdminConnectionString) { Database = "lumen_ready" }.ToString();
        await using var portal = new ProbeHost(new Dictionary<string, string>
        {
            ["Database:Provider"] = "PostgreSQL",
            ["ConnectionStrings:Lumen"] = connection,
        });
        using var http = portal.CreateClient();
        (await ReadyAsync(http)).Status.Should().Be(HttpStatusCode.OK);

        await postgres.StopAsync();
        var down = await ReadyAsync(http);
        var healthz = await http.GetAsync("/healthz");

        down.Status.Should().Be(HttpStatusCode.ServiceUnavailable);
        down.Failing.Should().Contain("database").And.NotContain(["config", "api_key_secret", "shutdown"]);
        var port = new NpgsqlConnectionStringBuilder(connection).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        down.Body.Should().NotContain("127.0.0.1").And.NotContain(port, "an anonymous caller learns no host or port");
        healthz.StatusCode.Should().Be(HttpStatusCode.OK, "the process still serves");

        await postgres.StartAsync();
        var back = await Eventually(() => ReadyAsync(http), r => r.Status == HttpStatusCode.OK);
        back.Failing.Should().BeEmpty();
    }

    [Fact]
    public async Task Readyz_names_pending_migrations_when_the_database_was_not_migrated()
    {
        await using var portal = new ProbeHost(new Dictionary<string, string> { ["Database:MigrateOnStartup"] = "false" });
        using var http = portal.CreateClient();

        var ready = await ReadyAsync(http);

        ready.Status.Should().Be(HttpStatusCode.ServiceUnavailable);
        ready.Failing.Should().Equal("migrations");
    }

    [Fact]
    public async Task The_probes_and_metrics_answer_anonymously_and_readyz_lists_every_check()
    {
        await using var portal = new ProbeHost(new Dictionary<string, string>());
        using var http = portal.CreateClient();

        var ready = await ReadyAsync(http);
        var metrics = await http.GetAsync("/metrics");

        ready.Status.Should().Be(HttpStatusCode.OK);
        ready.Checks.Should().BeEquivalentTo("database", "migrations", "config", "api_key_secret", "shutdown");
        (await http.GetStringAsync("/healthz")).Should().Be("Healthy");
        metrics.StatusCode.Should().Be(HttpStatusCode.OK);
        metrics.Content.Headers.ContentType!.MediaType.Should().Be("text/plain");
    }

    [Fact]
    public async Task With_metrics_disabled_there_is_no_metrics_endpoint()
    {
        await using var portal = new ProbeHost(new Dictionary<string, string> { ["Metrics:Enabled"] = "false" });
        using var http = portal.CreateClient();

        var metrics = await http.GetAsync("/metrics");

        metrics.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    private sealed record Readiness(HttpStatusCode Status, string Body, IReadOnlyList<string> Failing, IReadOnlyList<string> Checks);

    private static async Task<Readiness> ReadyAsync(HttpClient http)
    {
        using var response = await http.GetAsync("/readyz");
        var body = await response.Content.ReadAsStringAsync();
        using var json = JsonDocument.Parse(body);
        return new Readiness(response.StatusCode, body,
            json.RootElement.GetProperty("failing").EnumerateArray().Select(e => e.GetString()!).ToList(),
            json.RootElement.GetProperty("checks").EnumerateObject().Select(p => p.Name).ToList());
    }

    private static async Task<T> Eventually<T>(Func<Task<T>> probe, Func<T, bool> done)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            var result = await probe();
            if (done(result) || timeout.IsCancellationRequested) return result;
            await Task.Delay(200, CancellationToken.None);
        }
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Lumen.Infrastructure.ApiKeys;
using Lumen.Infrastructure.UseCases;
using Lumen.Infrastructure.RequestLog;
using Lumen.Portal.RequestLog;
using Lumen.Tests.Portal.Site;
using Microsoft.Extensions.DependencyInjection;

namespace Lumen.Tests.Portal.RequestLog;

/// <summary>
/// <c>GET /clients/{name}/requests.csv</c> through the real server, after real calls through <c>/v1</c>: §6 (whoever
/// may open the client; 404 for anyone else, as for a name that does not exist; anonymous callers are sent to sign in),
/// exactly the filtered rows, every page of them, text that looks like a formula neutralised and numbers untouched.
/// </summary>
public sealed class RequestLogCsvTests(LoggedSite logged) : IClassFixture<LoggedSite>
{
    private readonly PortalSite site = logged.Site;
    private CreatedKey _second => logged.Second;

    private async Task<(HttpStatusCode Status, string[] Lines, HttpResponseMessage Response)> CsvAsync(string? email, string client, string query = "")
    {
        using var browser = await site.SignInAs(email);
        var response = await browser.GetAsync(new Uri($"/clients/{client}/requests.csv{query}", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries), response);
    }

    [Theory]
    [InlineData(PortalSite.Admin, PortalSite.ClientA, HttpStatusCode.OK)]
    [InlineData(PortalSite.Admin, PortalSite.ClientB, HttpStatusCode.OK)]
    [InlineData(PortalSite.ManagerOfA, PortalSite.ClientA, HttpStatusCode.OK)]
    [InlineData(PortalSite.ManagerOfA, PortalSite.ClientB, HttpStatusCode.NotFound)]
    [InlineData(PortalSite.ManagerOfB, PortalSite.ClientA, HttpStatusCode.NotFound)]
    [InlineData(PortalSite.ManagerOfA, "no-such-client", HttpStatusCode.NotFound)]
    [InlineData(PortalSite.Stranger, PortalSite.ClientA, HttpStatusCode.NotFound)]
    [InlineData(null, PortalSite.ClientA, HttpStatusCode.Redirect)]
    public async Task The_csv_follows_who_may_open_the_client(string? email, string client, HttpStatusCode status)
    {
        var (got, lines, response) = await CsvAsync(email, client);
        using var _ = response;

        got.Should().Be(status);
        if (status == HttpStatusCode.Redirect) response.Headers.Location!.PathAndQuery.Should().StartWith("/auth/sign-in");
        if (status != HttpStatusCode.OK)
        {
            lines.Should().NotContain(l => l.Contains("chat", StringComparison.Ordinal), "nothing of the log leaks");
            return;
        }
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/csv");
        response.Content.Headers.ContentDisposition!.FileName.Should().Contain($"{client}-requests.csv");
        lines[0].Should().Be(RequestLogCsv.Header).And.Contain("time_utc");
        lines.Skip(1).Should().HaveCount(client == PortalSite.ClientA ? 5 : 1);
    }

    [Theory]
    [InlineData("", 5)]
    [InlineData("?outcome=ok", 4)]
    [InlineData("?outcome=refused_access", 1)]
    [InlineData("?model=dummy&outcome=refused_access", 0)]
    [InlineData("?key=SECOND", 2)]
    [InlineData("?key=SECOND&outcome=ok", 1)]
    [InlineData("?since=2000-01-01&until=2100-01-01", 5)]
    [InlineData("?since=2100-01-01", 0)]
    public async Task The_csv_is_exactly_the_filtered_rows_newest_first(string query, int rows)
    {
        query = query.Replace("SECOND", _second.Key.PublicId, StringComparison.Ordinal);
        var (status, lines, response) = await CsvAsync(PortalSite.ManagerOfA, PortalSite.ClientA, query);
        using var _ = response;
        status.Should().Be(HttpStatusCode.OK);

        // The same filters through the use case the page uses, written as the CSV writes a row.
        var filters = RequestLogUrl.ParseExport(new Microsoft.AspNetCore.Http.QueryCollection(
            Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query))).Query with { Limit = RequestLogQuery.MaxLimit };
        var expected = (await site.Services.GetRequiredService<RequestLogService>().PageAsync(new Actor(PortalSite.Admin), PortalSite.ClientA, filters))
            .Unwrap().Entries;
        expected.Should().HaveCount(rows);
        lines.Skip(1).Should().Equal(expected.Select(RequestLogCsv.Row));
        expected.Select(e => e.At).Should().BeInDescendingOrder();
    }

    [Fact]
    public async Task A_formula_in_a_text_cell_is_neutralised_and_numbers_stay_numbers()
    {
        var (_, lines, response) = await CsvAsync(PortalSite.Admin, PortalSite.ClientA, "?outcome=refused_access");
        using var _ = response;
        var refused = lines[1];
        refused.Should().Contain(",\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",404,model_not_found,0,0,0,");
        refused.Should().EndWith(",chat,refused_access," + refused.Split(',')[^1]);

        var ok = (await CsvAsync(PortalSite.Admin, PortalSite.ClientA, "?outcome=ok")).Lines[1].Split(',');
        ok[0].Should().MatchRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", "times are UTC and say so");
        ok[1].Should().Be(_second.Key.Hint);
        ok[3].Should().Be("200");
        long.Parse(ok[5], System.Globalization.CultureInfo.InvariantCulture).Should().BePositive("input tokens are a plain number");
        ok[8].Should().MatchRegex(@"^\d+$", "the duration in ms is a number");
        ok.Should().NotContain(c => c.StartsWith('\''), "only text that looks like a formula is prefixed");
    }

    [Fact]
    public async Task An_export_of_more_rows_than_a_page_streams_every_page()
    {
        // In a client of its own: the other tests count alpha's rows.
        await site.CreateClientAsync("gamma-bulk");
        var created = (await site.Services.GetRequiredService<ApiKeyService>().CreateAsync(Actor.Cli, "gamma-bulk", "bulk")).Unwrap();
        var verifier = site.Services.GetRequiredService<KeyVerifier>();
        var ledger = site.Services.GetRequiredService<Lumen.Infrastructure.Ledger.CoinLedger>();
        var found = await verifier.VerifyAsync(created.FullKey);
        await Task.WhenAll(Enumerable.Range(0, RequestLogQuery.MaxLimit + 20).Select(i => ledger.LogRefusalAsync(new(
            found.ClientId, found.KeyId, "dummy", 429, "insufficient_quota", 0, 0, 0, 1, Lumen.Domain.Calls.CallOutcome.RefusedBudget,
            "chat", $"bulk-{i}"))));

        var (_, lines, response) = await CsvAsync(PortalSite.Admin, "gamma-bulk", "?outcome=refused_budget");
        using var _ = response;

        lines.Skip(1).Select(l => l.Split(',')[^1]).Should().BeEquivalentTo(Enumerable.Range(0, RequestLogQuery.MaxLimit + 20).Select(i => $"bulk-{i}"));
    }
}

/// <summary>
/// The portal after real calls through <c>/v1</c>, once for the class: alpha-bot has three answered calls on its first
/// key, one answered and one refused (a model named like a formula) on its second; beta-pipeline one call.
/// </summary>
public sealed class LoggedSite : IAsyncLifetime
{
    public const string Formula = "=HYPERLINK(\"http://evil.example\",\"x\")";

    public PortalSite Site { get; } = new();
    public CreatedKey First { get; private set; } = null!;
    public CreatedKey Second { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await ((IAsyncLifetime)Site).InitializeAsync();
        var keys = Site.Services.GetRequiredService<ApiKeyService>();
        First = (await keys.CreateAsync(Actor.Cli, PortalSite.ClientA, "first")).Unwrap();
        Second = (await keys.CreateAsync(Actor.Cli, PortalSite.ClientA, "second")).Unwrap();
        var beta = (await keys.CreateAsync(Actor.Cli, PortalSite.ClientB, "beta")).Unwrap();
        using var api = Site.CreateClient();
        for (var i = 0; i < 3; i++) (await ChatAsync(api, First, "dummy")).Should().Be(HttpStatusCode.OK);
        (await ChatAsync(api, Second, "dummy")).Should().Be(HttpStatusCode.OK);
        (await ChatAsync(api, Second, Formula)).Should().Be(HttpStatusCode.NotFound);
        (await ChatAsync(api, beta, "dummy")).Should().Be(HttpStatusCode.OK);
    }

    public Task DisposeAsync() => ((IAsyncLifetime)Site).DisposeAsync();

    private static async Task<HttpStatusCode> ChatAsync(HttpClient api, CreatedKey key, string model)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = new StringContent(System.Text.Json.JsonSerializer.Serialize(new
            {
                model, messages = new[] { new { role = "user", content = "hello there" } },
            }), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key.FullKey);
        using var response = await api.SendAsync(request);
        return response.StatusCode;
    }
}

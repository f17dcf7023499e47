using System.Text.RegularExpressions;
using Bunit;
using Lumen.Infrastructure.Ledger;
using Lumen.Portal.Clients;

namespace Lumen.Tests.Portal.Clients;

/// <summary>The board's top clients on <c>/clients</c> count their requests in English: "1 request", "2 requests".</summary>
public sealed class TopClientsTests : ClientsComponentTest
{
    private async Task CallsAsync(string client, int calls, long coinsMicros)
    {
        var row = await Portal.CreateClientAsync(client);
        var key = await Portal.CreateKeyAsync(client);
        for (var i = 0; i < calls; i++)
            await Portal.Ledger.ChargeAsync(new CallRecord(row.Id, key.Id, "dummy", 200, null, 10, 5, coinsMicros / calls, 20));
    }

    [Fact]
    public async Task One_request_is_singular_and_two_are_plural()
    {
        await CallsAsync("w2-other", 1, 400_000);
        await CallsAsync("w1-busy", 2, 1_000_000);
        SignIn(AdminEmail, admin: true);

        var cut = Render<ClientsPage>();

        cut.WaitForAssertion(() => cut.FindAll(".top-clients li").Select(li => Regex.Replace(li.TextContent, @"\s+", " ").Trim()).Should().Equal(
            "w1-busy 1.00 coins · 2 requests",
            "w2-other 0.40 coins · 1 request"));
    }
}

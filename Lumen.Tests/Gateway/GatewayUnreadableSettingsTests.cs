using Microsoft.EntityFrameworkCore;
using static Lumen.Tests.Gateway.GatewayAssertions;

namespace Lumen.Tests.Gateway;

/// <summary>
/// A client whose stored access default does not read back: its calls are neither granted nor denied on a guess but
/// fail as §15's 500 (logged), and the process goes on serving everyone else. Only this test's own client is broken.
/// </summary>
[Collection(GatewayTestGroup.Name)]
public sealed class GatewayUnreadableSettingsTests(GatewayHost host)
{
    [Fact]
    public async Task A_call_of_a_client_with_an_unreadable_access_default_is_a_500_and_others_are_served()
    {
        var broken = await host.NewClientAsync();
        var healthy = await host.NewClientAsync();
        await using (var db = await host.DbAsync())
            await db.Clients.Where(c => c.Id == broken.Id).ExecuteUpdateAsync(s => s.SetProperty(c => c.AccessDefault, "Foo"));

        var body = await broken.Chat("dummy").RefusedAsync(500, "internal_error");
        var answer = await healthy.Chat("dummy").CompleteChatAsync(Hello);

        body["message"]!.GetValue<string>().Should().NotContain("Foo", "the caller is told only that it failed");
        var row = (await broken.LogAsync(1)).Should().ContainSingle().Subject;
        (row.Status, row.ErrorCode, row.CoinsMicros).Should().Be((500, "internal_error", 0L));
        answer.Value.Content.Should().NotBeEmpty("the process still serves other clients");
        (await broken.PoolAsync()).Requests.Should().Be(0, "nothing was charged");
    }
}

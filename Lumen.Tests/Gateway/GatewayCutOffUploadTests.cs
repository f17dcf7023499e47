using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Lumen.Tests.Gateway;

/// <summary>
/// A caller that hangs up in the middle of its upload is no fault of the portal's: the call is logged as
/// <c>client_closed</c>, and the portal's log says so in one warning line a second at most (with how many it left
/// out), never an error with a stack trace.
/// </summary>
public sealed class GatewayCutOffUploadTests
{
    [Fact]
    public async Task Uploads_cut_off_are_one_warning_a_second_without_a_stack_trace()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero));
        var host = new GatewayHost(clock);
        await ((IAsyncLifetime)host).InitializeAsync();
        try
        {
            var client = await host.NewClientAsync();

            for (var i = 0; i < 3; i++) await CutOffUploadAsync(host.BaseAddress, client.Key);
            var first = await client.LogAsync(3);
            clock.Advance(TimeSpan.FromSeconds(1));
            await CutOffUploadAsync(host.BaseAddress, client.Key);
            var all = await client.LogAsync(4);

            first.Should().HaveCount(3);
            all.Should().HaveCount(4).And.OnlyContain(r => r.Outcome == "client_closed" && r.Status == 499 && r.CoinsMicros == 0);
            var records = host.Logs.GetSnapshot();
            records.Should().NotContain(r => r.Level >= LogLevel.Error || r.Exception != null);
            var lines = records.Where(r => r.Message.Contains("hung up", StringComparison.Ordinal)).ToList();
            lines.Should().HaveCount(2, "three cut-offs in one second are one line, and the next second's one more");
            lines.Should().OnlyContain(r => r.Level == LogLevel.Warning);
            lines[1].Message.Should().Contain("2 more");
        }
        finally
        {
            await ((IAsyncLifetime)host).DisposeAsync();
        }
    }

    /// <summary>Sends the headers of a 100,000-byte upload and a few bytes of it, then closes the connection.</summary>
    private static async Task CutOffUploadAsync(Uri address, string key)
    {
        using var socket = new TcpClient();
        await socket.ConnectAsync(address.Host, address.Port);
        var head = $"POST /v1/chat/completions HTTP/1.1\r\nHost: {address.Authority}\r\nAuthorization: Bearer {key}\r\n"
            + "Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"model\":\"dummy\"";
        await socket.GetStream().WriteAsync(Encoding.ASCII.GetBytes(head));
    }
}

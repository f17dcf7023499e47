using Lumen.Infrastructure.Changes;
using Microsoft.Extensions.DependencyInjection;

namespace Lumen.Tests.Gateway;

/// <summary>
/// Every new request-log row of a client is a change open views hear of (§7, §16): a refused call's as much as a
/// charged one's, so an open log shows it without a reload.
/// </summary>
[Collection(GatewayTestGroup.Name)]
public sealed class GatewayLiveTests(GatewayHost host)
{
    [Theory]
    [InlineData("not-in-the-config", 404)]
    [InlineData("dummy", 200)]
    public async Task A_call_refused_or_charged_tells_open_views_its_client_was_used(string model, int status)
    {
        var client = await host.NewClientAsync();
        var heard = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = host.Services.GetRequiredService<ChangeFeed>().Subscribe(ChangeViewer.Portal,
            c => c.Client == client.Name && c.Kind == ChangeKind.UsageChanged, _ => heard.TrySetResult());

        var answer = await RawAnswer.PostAsync(host.BaseAddress, client.Key, RawAnswer.Chat(model));

        answer.Status.Should().Be(status);
        (await client.LogAsync(1)).Should().ContainSingle();
        await heard.Task.WaitAsync(TimeSpan.FromSeconds(15));
    }
}

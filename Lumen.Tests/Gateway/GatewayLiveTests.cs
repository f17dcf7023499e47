using Lumen.Infrastructure.Changes;
using Lumen.Infrastructure.Persistence;
using Lumen.Tests.Infrastructure.Databases;
using Microsoft.Extensions.DependencyInjection;

namespace Lumen.Tests.Gateway;

/// <summary>
/// Every new request-log row of a client is a change open views hear of (§7, §16): a refused call's as much as a
/// charged one's, so an open log shows it without a reload.
/// </summary>
[Collection("postgres")]
public sealed class GatewayLiveTests(PostgresServer postgres)
{
    public static TheoryData<DatabaseProviderKind, string, int> Calls() => new()
    {
        { DatabaseProviderKind.Sqlite, "not-in-the-config", 404 },
        { DatabaseProviderKind.Sqlite, "dummy", 200 },
        { DatabaseProviderKind.PostgreSQL, "not-in-the-config", 404 },
        { DatabaseProviderKind.PostgreSQL, "dummy", 200 },
    };

    [Theory, MemberData(nameof(Calls))]
    public async Task A_call_refused_or_charged_tells_open_views_its_client_was_used(DatabaseProviderKind provider, string model, int status)
    {
        await using var gateway = await GatewayOnDatabase.StartAsync(provider, postgres);
        var client = await gateway.Host.NewClientAsync();
        var heard = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = gateway.Host.Services.GetRequiredService<ChangeFeed>().Subscribe(ChangeViewer.Portal,
            c => c.Client == client.Name && c.Kind == ChangeKind.UsageChanged, _ => heard.TrySetResult());

        var answer = await RawAnswer.PostAsync(gateway.Host.BaseAddress, client.Key, RawAnswer.Chat(model));

        answer.Status.Should().Be(status);
        (await client.LogAsync(1)).Should().ContainSingle();
        await heard.Task.WaitAsync(TimeSpan.FromSeconds(15));
    }
}

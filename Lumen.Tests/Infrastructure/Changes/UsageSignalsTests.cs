using Lumen.Infrastructure.Changes;
using Lumen.Tests.Infrastructure.Databases;
using Microsoft.Extensions.Time.Testing;

namespace Lumen.Tests.Infrastructure.Changes;

public class UsageSignalsTests
{
    [Fact]
    public async Task A_burst_of_calls_becomes_one_batch_naming_each_client_once()
    {
        await using var db = await SqliteDatabase.CreateAsync();
        await using var portal = new TestPortal(db);
        var batches = new List<IReadOnlyList<Change>>();
        using var listening = portal.Feed.Subscribe(ChangeViewer.Portal, null, batch =>
        {
            lock (batches) batches.Add(batch);
        });
        var clock = new FakeTimeProvider();
        using var signals = new UsageSignals(portal.Feed, clock);
        IReadOnlyList<IReadOnlyList<Change>> Batches()
        {
            lock (batches) return [.. batches];
        }

        for (var i = 0; i < 5_000; i++) signals.Touch(i % 2 == 0 ? "a" : "b");
        Batches().Should().BeEmpty("nothing is published before the interval");

        clock.Advance(UsageSignals.Interval);
        await Eventually(() => Batches().Count == 1);
        Batches()[0].Select(c => c.Client).Should().BeEquivalentTo("a", "b");
        Batches()[0].Should().OnlyContain(c => c.Kind == ChangeKind.UsageChanged);

        clock.Advance(UsageSignals.Interval * 4);
        await Task.Delay(100);
        Batches().Should().ContainSingle("an idle interval publishes nothing");

        signals.Touch("a");
        clock.Advance(UsageSignals.Interval);
        await Eventually(() => Batches().Count == 2);
        Batches()[1].Select(c => c.Client).Should().Equal("a");
    }

    private static async Task Eventually(Func<bool> condition)
    {
        for (var i = 0; i < 300 && !condition(); i++) await Task.Delay(10);
        condition().Should().BeTrue();
    }
}

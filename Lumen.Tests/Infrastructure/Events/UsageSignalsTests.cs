using Lumen.Infrastructure.Events;
using Microsoft.Extensions.Time.Testing;

namespace Lumen.Tests.Infrastructure.Events;

public class UsageSignalsTests
{
    [Fact]
    public void A_burst_of_calls_becomes_one_batch_naming_each_client_once()
    {
        var notifier = new ClientChangeNotifier();
        var batches = new List<IReadOnlyList<ClientChange>>();
        notifier.Changed += batches.Add;
        var clock = new FakeTimeProvider();
        using var signals = new UsageSignals(notifier, clock);

        for (var i = 0; i < 5_000; i++) signals.Touch(i % 2 == 0 ? "a" : "b");
        batches.Should().BeEmpty("nothing is published before the interval");

        clock.Advance(UsageSignals.Interval);
        batches.Should().ContainSingle();
        batches[0].Select(c => c.Client).Should().BeEquivalentTo("a", "b");
        batches[0].Should().OnlyContain(c => c.Kind == ClientChangeKind.UsageChanged);

        clock.Advance(UsageSignals.Interval * 4);
        batches.Should().ContainSingle("an idle interval publishes nothing");

        signals.Touch("a");
        clock.Advance(UsageSignals.Interval);
        batches.Should().HaveCount(2);
        batches[1].Select(c => c.Client).Should().Equal("a");
    }

    [Fact]
    public void A_subscriber_that_throws_does_not_stop_the_others()
    {
        var notifier = new ClientChangeNotifier();
        var seen = 0;
        notifier.Changed += _ => throw new InvalidOperationException("broken view");
        notifier.Changed += changes => seen += changes.Count;
        notifier.Publish(new ClientChange("a", ClientChangeKind.KeysChanged, "x"));
        seen.Should().Be(1);
    }
}

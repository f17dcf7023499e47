using Lumen.Infrastructure.Changes;
using Microsoft.Extensions.Time.Testing;

namespace Lumen.Tests.Infrastructure.Changes;

/// <summary>The one record of which other processes' batches were delivered, whichever path (Redis, journal) came first.</summary>
public sealed class DeliveredBatchesTests
{
    [Fact]
    public void An_id_is_delivered_the_first_time_only()
    {
        var delivered = new DeliveredBatches(new FakeTimeProvider());

        delivered.First(7).Should().BeTrue();
        delivered.First(7).Should().BeFalse("the other path brought it already");
        delivered.First(8).Should().BeTrue();
    }

    [Fact]
    public void An_id_is_forgotten_only_after_its_journal_row_is_gone()
    {
        var clock = new FakeTimeProvider();
        var delivered = new DeliveredBatches(clock);
        delivered.First(7);

        clock.Advance(ChangeJournal.KeptFor - TimeSpan.FromSeconds(1));
        delivered.First(7).Should().BeFalse();

        clock.Advance(TimeSpan.FromMinutes(1));
        delivered.First(8);
        delivered.Count.Should().Be(1, "7 is older than any journal row, so no path can bring it again");
    }
}

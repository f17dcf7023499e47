using Lumen.Infrastructure.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Lumen.Tests.Infrastructure.Logging;

/// <summary>A flood is one line a second, and each line says how many it stands for beyond itself.</summary>
public sealed class ThrottledLogTests
{
    [Fact]
    public void One_line_a_second_carries_the_count_held_back_since_the_last()
    {
        var clock = new FakeTimeProvider();
        var log = new ThrottledLog(clock);

        var first = log.ShouldLog(out var before);
        var held = Enumerable.Range(0, 3).Count(_ => log.ShouldLog(out _));
        clock.Advance(TimeSpan.FromMilliseconds(999));
        var tooSoon = log.ShouldLog(out _);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        var next = log.ShouldLog(out var suppressed);

        (first, before, held, tooSoon).Should().Be((true, 0, 0, false));
        (next, suppressed).Should().Be((true, 4));
    }
}

using Lumen.Portal.Live;
using Microsoft.Extensions.Time.Testing;

namespace Lumen.Tests.Portal.Live;

public sealed class RefreshThrottleTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
    private int _runs;

    private readonly List<Exception> _failures = [];

    private RefreshThrottle Throttle() => new(() => { Interlocked.Increment(ref _runs); return Task.CompletedTask; }, Failed, _clock);

    private void Failed(Exception e)
    {
        lock (_failures) _failures.Add(e);
    }

    [Fact]
    public async Task A_failing_refresh_is_handed_over_and_later_requests_still_run()
    {
        var attempts = 0;
        using var throttle = new RefreshThrottle(() => Interlocked.Increment(ref attempts) == 1
            ? Task.FromException(new InvalidOperationException("the database went away"))
            : Task.CompletedTask, Failed, _clock);

        throttle.Request();
        await Eventually(() => _failures.Count == 1);
        _failures.Single().Message.Should().Be("the database went away");

        _clock.Advance(TimeSpan.FromSeconds(1));
        throttle.Request();
        await Eventually(() => attempts == 2);
        _failures.Should().HaveCount(1, "the second refresh succeeded");
    }

    private static async Task Eventually(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++) await Task.Delay(10);
        condition().Should().BeTrue();
    }

    [Fact]
    public async Task First_request_runs_at_once()
    {
        using var throttle = Throttle();
        throttle.Request();
        await WaitForRunsAsync(1);
    }

    [Fact]
    public async Task A_burst_within_the_interval_gives_one_trailing_refresh_a_second_later()
    {
        using var throttle = Throttle();
        throttle.Request();
        await WaitForRunsAsync(1);

        for (var i = 0; i < 50; i++) throttle.Request();
        _clock.Advance(TimeSpan.FromMilliseconds(999));
        await Task.Delay(50);
        _runs.Should().Be(1, "no second refresh within the interval");

        _clock.Advance(TimeSpan.FromMilliseconds(1));
        await WaitForRunsAsync(2);
        await Task.Delay(50);
        _runs.Should().Be(2, "fifty requests coalesce into one refresh");
    }

    [Fact]
    public async Task After_a_quiet_spell_a_request_runs_at_once_again()
    {
        using var throttle = Throttle();
        throttle.Request();
        await WaitForRunsAsync(1);
        _clock.Advance(TimeSpan.FromSeconds(5));

        throttle.Request();
        await WaitForRunsAsync(2);
    }

    [Fact]
    public async Task Nothing_runs_after_dispose()
    {
        var throttle = Throttle();
        throttle.Request();
        await WaitForRunsAsync(1);
        throttle.Request();
        throttle.Dispose();

        _clock.Advance(TimeSpan.FromSeconds(2));
        await Task.Delay(50);
        _runs.Should().Be(1);
    }

    private async Task WaitForRunsAsync(int count)
    {
        for (var i = 0; i < 200 && Volatile.Read(ref _runs) < count; i++) await Task.Delay(10);
        Volatile.Read(ref _runs).Should().Be(count);
    }
}

using Microsoft.Extensions.Hosting;

namespace Lumen.Infrastructure.Notifications;

/// <summary>
/// A background check that runs at start and then every <see cref="Interval"/> of the portal's clock; a round that
/// fails (the database away for a moment) is reported and the next one tries again.
/// </summary>
internal abstract class PeriodicService(TimeProvider clock) : BackgroundService
{
    /// <summary>The portal's clock, for what the subclass reads of the time too.</summary>
    protected TimeProvider Clock { get; } = clock;

    protected abstract TimeSpan Interval { get; }

    protected abstract Task RunOnceAsync(CancellationToken ct);

    protected abstract void RoundFailed(Exception e);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                RoundFailed(e);
            }
            try
            {
                await Task.Delay(Interval, Clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}

namespace Lumen.Portal.Operations;

/// <summary>
/// On SIGTERM (§19): report not ready first, then finish the calls in flight. Every <see cref="IHostedLifecycleService"/>'s
/// <c>StoppingAsync</c> runs after ApplicationStopping fired (so <c>/readyz</c> says 503) and before any hosted service
/// stops, the web server included: for <c>Lumen:ShutdownDelaySeconds</c> the server still takes calls while the
/// balancer notices. Then Kestrel stops accepting and waits for the calls in flight, within
/// <c>Lumen:ShutdownTimeoutSeconds</c>.
/// </summary>
public sealed class ShutdownDrain(TimeSpan delay) : IHostedLifecycleService
{
    public const string DelayKey = "Lumen:ShutdownDelaySeconds";
    public const string TimeoutKey = "Lumen:ShutdownTimeoutSeconds";

    /// <summary>Development and tests stop at once; a deployment behind a balancer waits a few seconds by default.</summary>
    public static (TimeSpan Delay, TimeSpan Drain) FromConfiguration(IConfiguration configuration, IHostEnvironment environment) => (
        TimeSpan.FromSeconds(configuration.GetValue(DelayKey, environment.IsDevelopment() ? 0.0 : 5.0)),
        TimeSpan.FromSeconds(configuration.GetValue(TimeoutKey, 30.0)));

    // Cut short only by the host's own shutdown timeout; that is no failure to report.
    public async Task StoppingAsync(CancellationToken cancellationToken) =>
        await Task.Delay(delay, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

using Lumen.Domain.Models;
using Lumen.Infrastructure.Config;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Lumen.Infrastructure.Gateway.Upstream;

/// <summary>
/// Probes every endpoint of every active model (§20): <c>GET {url}/models</c> with the endpoint's key, every
/// <see cref="EndpointHealthOptions.Interval"/>, at start, and at once for an endpoint a call asked about (a 500).
/// A probe that cannot connect, times out, or gets 401, 403 or a 5xx marks the endpoint down; any other answer (404 and
/// 405 too: a server without a model list) marks it up. Each instance probes for itself; nothing here touches <c>/readyz</c>.
/// </summary>
public sealed partial class EndpointProber(
    ConfigState config, EndpointHealth health, UpstreamClients upstreams, EndpointHealthOptions options,
    ModelStateNotifier notifier, TimeProvider clock, ILogger<EndpointProber> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (true)
            {
                health.NextRound = clock.GetUtcNow() + options.Interval;
                await ProbeAllAsync(stoppingToken);
                await AnswerAskedProbesAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping
        }
    }

    /// <summary>Probes every endpoint of the config in force now, all at once; returns when each has its verdict.</summary>
    public async Task ProbeAllAsync(CancellationToken ct = default)
    {
        var endpoints = Current();
        health.Retain(endpoints);
        await Task.WhenAll(endpoints.Select(e => ProbeAsync(health.Of(e.Model, e.Endpoint), ct)));
        // "Last checked" moved for every model, though no state may have changed.
        notifier.Publish("");
    }

    /// <summary>Until the next round is due, probes each endpoint a call asks about, as it asks.</summary>
    private async Task AnswerAskedProbesAsync(CancellationToken ct)
    {
        using var round = CancellationTokenSource.CreateLinkedTokenSource(ct);
        round.CancelAfter(options.Interval);
        try
        {
            while (true) await ProbeAsync(await health.ProbesWanted.ReadAsync(round.Token), ct);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // the round is due
        }
    }

    private async Task ProbeAsync(EndpointStatus endpoint, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.ProbeTimeout);
        string? error;
        try
        {
            using var response = await upstreams.ProbeAsync(endpoint.Endpoint, timeout.Token);
            error = Verdict((int)response.StatusCode);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            error = $"the probe got no answer within {options.ProbeTimeout.TotalSeconds:0.#} s";
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Refused, reset, a name or TLS failure, a URL the client cannot use: a prober that stopped would stop them all.
            error = "the probe could not connect";
        }
        // One line when the state changes, not one per probe of an endpoint that stays down.
        if (!health.Probed(endpoint, error)) return;
        if (error is null) LogUp(log, endpoint.Model, endpoint.Endpoint.SafeUrl);
        else LogDown(log, endpoint.Model, endpoint.Endpoint.SafeUrl, error);
    }

    /// <summary>Why a probe's status means down, or null for up.</summary>
    internal static string? Verdict(int status) => status switch
    {
        401 or 403 => $"the probe's key was refused ({status})",
        >= 500 => $"the probe got {status}",
        _ => null,
    };

    private HashSet<(string Model, ModelEndpoint Endpoint)> Current() =>
        (config.InForce?.Models.All ?? []).Where(m => m.Active)
            .SelectMany(m => m.Endpoints.Select(e => (m.Name, e)))
            .ToHashSet();

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {Model}: its endpoint {Url} is up")]
    private static partial void LogUp(ILogger logger, string model, string url);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model {Model}: its endpoint {Url} is down: {Why}")]
    private static partial void LogDown(ILogger logger, string model, string url, string why);
}

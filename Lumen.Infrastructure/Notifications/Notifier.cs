using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;

namespace Lumen.Infrastructure.Notifications;

/// <summary>
/// Where the rest of the portal says that something worth a notification happened (§23), and how each event reads.
/// Without an SMTP server nothing is written (there is nobody to send it). A model call never waits here: what a
/// call notices is queued and written by <see cref="NotificationWriter"/>.
/// </summary>
public sealed class Notifier(NotificationOptions options, TimeProvider clock, bool enabled)
{
    private readonly Channel<Notice> _noticed = Channel.CreateBounded<Notice>(new BoundedChannelOptions(1000)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    // consent.requested is once per client and model a day: repeats of the same refusal stop here, not at the database.
    private readonly ConcurrentDictionary<string, DateOnly> _consentAsked = new(StringComparer.Ordinal);

    public bool Enabled => enabled;

    internal ChannelReader<Notice> Noticed => _noticed.Reader;

    /// <summary>A call was refused with <c>consent_required</c>: the client's managers may want to record consent.</summary>
    public void ConsentRequested(int clientId, string client, string model)
    {
        if (!enabled) return;
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var key = $"consent.requested:{clientId}:{model}:{today:yyyy-MM-dd}";
        if (_consentAsked.TryGetValue(key, out _) || !_consentAsked.TryAdd(key, today)) return;
        if (_consentAsked.Count > 10_000) Forget(today);
        _noticed.Writer.TryWrite(new Notice("consent.requested", key, clientId,
            $"Lumen: client '{client}' asks for model '{model}'",
            $"A call from client '{client}' was refused because the model '{model}' needs recorded consent before the "
            + "client may use it. If its users should use that model, a manager of the client can record consent on the "
            + "client's Access tab. This is said once a day for each model.",
            options.LinkTo($"clients/{Uri.EscapeDataString(client)}/access")));
    }

    /// <summary>The config file was rejected; the last good config stays in force (to admins, once per content).</summary>
    public Notice ConfigRejected(string path, string contentHash, int errors, string? firstError) => new(
        "config.rejected", $"config.rejected:{contentHash}", null,
        "Lumen: the config file was rejected",
        string.Create(CultureInfo.InvariantCulture, $"The config file {path} was changed and rejected with {errors} error{(errors == 1 ? "" : "s")}")
            + (firstError is null ? "" : $", the first: {firstError}") + ". The last good config stays in force until the file is fixed; "
            + "every error is listed on the Clients page.",
        options.LinkTo("clients"));

    private void Forget(DateOnly today)
    {
        foreach (var asked in _consentAsked)
            if (asked.Value < today) _consentAsked.TryRemove(asked.Key, out _);
    }
}

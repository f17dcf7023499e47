using Microsoft.Extensions.Configuration;

namespace Lumen.Infrastructure.Notifications;

/// <summary>
/// How notifications are sent: how often the sender looks for due mail (<c>Notifications:SendIntervalSeconds</c>,
/// fractions allowed for tests), how long its lease lasts, and the portal's public address for links
/// (<c>Lumen:PublicBaseUrl</c>; without it mails carry no links).
/// </summary>
public sealed record NotificationOptions(TimeSpan SendInterval, TimeSpan Lease, Uri? PublicBaseUrl)
{
    /// <summary>Failed sends are retried for this long (§23), then the message is marked failed.</summary>
    public static readonly TimeSpan RetryFor = TimeSpan.FromHours(24);

    /// <summary>Sent and failed messages are kept this long (§23).</summary>
    public static readonly TimeSpan KeepFor = TimeSpan.FromDays(30);

    public static NotificationOptions FromConfiguration(IConfiguration configuration)
    {
        var seconds = configuration.GetValue("Notifications:SendIntervalSeconds", 5.0);
        if (seconds <= 0) throw new InvalidOperationException($"Notifications:SendIntervalSeconds must be a positive number; it is {seconds}.");
        var address = configuration["Lumen:PublicBaseUrl"];
        Uri? publicBase = null;
        if (!string.IsNullOrWhiteSpace(address) && !(Uri.TryCreate(address.TrimEnd('/') + "/", UriKind.Absolute, out publicBase) && publicBase.Scheme is "http" or "https"))
            throw new InvalidOperationException($"Lumen:PublicBaseUrl must be an http or https address, not '{address}'.");
        var interval = TimeSpan.FromSeconds(seconds);
        return new NotificationOptions(interval, TimeSpan.FromSeconds(Math.Max(60, seconds * 4)), publicBase);
    }

    /// <summary>A link to a page of the portal, or null when its public address is not known.</summary>
    public Uri? LinkTo(string path) => PublicBaseUrl is null ? null : new Uri(PublicBaseUrl, path.TrimStart('/'));
}

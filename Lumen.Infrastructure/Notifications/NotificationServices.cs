using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Lumen.Infrastructure.Notifications;

public static class NotificationServices
{
    /// <summary>
    /// The notifier, always (callers need not ask); with an SMTP server, also the outbox's writer and sender. The sender
    /// runs on every instance and sends on the one that holds its lease.
    /// </summary>
    public static IServiceCollection AddNotifications(this IServiceCollection services, IConfiguration configuration, SmtpSettings? smtp)
    {
        var options = NotificationOptions.FromConfiguration(configuration);
        services.AddSingleton(options);
        services.AddSingleton(sp => new Notifier(options, sp.GetRequiredService<TimeProvider>(), enabled: smtp is not null));
        if (smtp is null) return services;
        services.AddSingleton(smtp).AddSingleton<SmtpMailer>();
        services.AddHostedService<NotificationWriter>();
        services.AddHostedService<KeyExpiryCheck>();
        services.AddHostedService<OutboxSender>();
        return services;
    }
}

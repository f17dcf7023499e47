using Lumen.Domain.ApiKeys;
using Lumen.Infrastructure.ApiKeys;
using Lumen.Infrastructure.Clients;
using Lumen.Infrastructure.Managers;
using Lumen.Infrastructure.Notifications;
using Lumen.Infrastructure.UseCases;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Lumen.Tests.Notifications;

/// <summary>
/// <c>key.expiring</c> 7 days before and <c>key.expired</c> after (§23), on a fake clock, each once, to the client's
/// managers; none for a key that a rotation set to expire.
/// </summary>
public sealed class KeyExpiryNoticeTests
{
    [Fact]
    public async Task A_key_is_announced_once_a_week_before_it_expires_and_once_when_it_has()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var host = new NotifyingHost(smtp, clock: clock);
        await host.InitializeAsync();
        var keys = host.Services.GetRequiredService<ApiKeyService>();
        (await host.Services.GetRequiredService<ClientService>().CreateAsync(Actor.Cli, "svc")).Unwrap();
        (await host.Services.GetRequiredService<ManagerService>().AddAsync(Actor.Cli, "svc", "ops@lab.example.org")).Unwrap();
        var monthly = (await keys.CreateAsync(Actor.Cli, "svc", "monthly", KeyLifetime.FromDays(30))).Unwrap().Key;
        (await keys.CreateAsync(Actor.Cli, "svc", "forever", KeyLifetime.Never)).Unwrap();
        var rotated = (await keys.CreateAsync(Actor.Cli, "svc", "rotated", KeyLifetime.FromDays(365))).Unwrap().Key;
        (await keys.RotateAsync(Actor.Cli, "svc", rotated.Hint, KeyGrace.Hour)).Unwrap();

        await CheckAsync(host);
        (await host.OutboxAsync()).Should().BeEmpty("nothing expires within a week; the rotated key's end is no event");

        clock.Advance(TimeSpan.FromDays(24));
        await CheckAsync(host);
        await CheckAsync(host);
        var expiring = (await host.OutboxAsync()).Should().ContainSingle().Subject;
        await using (var db = await host.DbAsync())
        {
            var id = db.ApiKeys.Single(k => k.PublicId == monthly.PublicId).Id;
            (expiring.Event, expiring.EventKey, expiring.Recipient).Should().Be(("key.expiring", $"key.expiring:{id}", "ops@lab.example.org"));
        }

        clock.Advance(TimeSpan.FromDays(7));
        await CheckAsync(host);
        (await host.OutboxAsync()).Select(r => r.Event).Should().BeEquivalentTo("key.expiring", "key.expired");

        await host.Background<OutboxSender>().RoundAsync(CancellationToken.None);
        var mails = await smtp.ReceivedAsync(2);
        mails.Select(m => m.Subject).Should().BeEquivalentTo(
            "Lumen: key 'monthly' of client 'svc' expires on 2026-12-31", "Lumen: key 'monthly' of client 'svc' has expired");
        mails.Should().OnlyContain(m => m.TextBody!.Contains(NotifyingHost.PublicBase + "clients/svc/keys"));
    }

    private static Task CheckAsync(NotifyingHost host) => host.Background<KeyExpiryCheck>().CheckAsync();
}

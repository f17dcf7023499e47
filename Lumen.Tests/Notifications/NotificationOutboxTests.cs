using Lumen.Infrastructure.Clients;
using Lumen.Infrastructure.ApiKeys;
using Lumen.Infrastructure.Managers;
using Lumen.Infrastructure.Notifications;
using Lumen.Infrastructure.Persistence;
using Lumen.Infrastructure.UseCases;
using Lumen.Tests.Hosting;
using Lumen.Tests.Infrastructure.Databases;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace Lumen.Tests.Notifications;

/// <summary>
/// The outbox (§23) end to end, every mail read back from a real SMTP server: events written once however often or by
/// how many instances they are noticed, sent by one instance at a time, and nothing lost when the sender was not running.
/// </summary>
[Collection("postgres")]
public sealed class NotificationOutboxTests(PostgresServer postgres)
{
    [Fact]
    public async Task A_call_refused_for_consent_mails_each_manager_once_with_a_link_to_record_it()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var host = await StartedAsync(new NotifyingHost(smtp));
        var key = await ClientWithManagersAsync(host, "lab-bot", "ana@lab.example.org", "ben@lab.example.org");

        for (var i = 0; i < 3; i++) ((int)(await host.ChatAsync(key, "secret")).StatusCode).Should().Be(403);

        var mails = await smtp.ReceivedAsync(2);
        await AllSentAsync(host, 2);
        mails.Select(m => m.To.Mailboxes.Single().Address).Should().BeEquivalentTo("ana@lab.example.org", "ben@lab.example.org");
        mails.Should().OnlyContain(m => m.Subject!.Contains("'lab-bot'") && m.Subject.Contains("'secret'"));
        mails[0].TextBody.Should().Contain("needs recorded consent").And.Contain(NotifyingHost.PublicBase + "clients/lab-bot/access");
        mails[0].HtmlBody.Should().Contain($"<a href=\"{NotifyingHost.PublicBase}clients/lab-bot/access\">");
        smtp.Received().Should().HaveCount(2, "three refusals on one day are one notice");
    }

    [Fact]
    public async Task A_rejected_config_seen_by_two_instances_mails_the_admins_once()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var database = await TestDatabases.CreateAsync(DatabaseProviderKind.PostgreSQL, postgres);
        await using var one = await StartedAsync(new NotifyingHost(smtp, database.Options));
        await using var two = await StartedAsync(new NotifyingHost(smtp, database.Options));

        const string broken = "admins: [admin@example.org]\nclients:\n  default:\n    max: ten\n";
        await one.WriteConfigAsync(broken);
        await two.WriteConfigAsync(broken);

        var mail = (await smtp.ReceivedAsync(1)).Should().ContainSingle().Subject;
        await AllSentAsync(one, 1);
        mail.To.Mailboxes.Single().Address.Should().Be(TestHost.Admin);
        mail.Subject.Should().Contain("config file was rejected");
        mail.TextBody.Should().Contain("line 4").And.Contain("last good config stays in force");
        (await one.OutboxAsync()).Should().ContainSingle("both instances noticed the same file; the outbox kept one");
    }

    [Fact]
    public async Task A_message_committed_while_no_sender_ran_is_sent_once_one_starts()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var database = await TestDatabases.CreateAsync(DatabaseProviderKind.PostgreSQL, postgres);
        await using (var silent = new TestHost(new TestHostOptions { Database = database.Options }))
        {
            await silent.InitializeAsync();
            await using var db = await silent.DbAsync();
            Outbox.Add(db, new Notice("config.rejected", "test:committed", null, "committed before the crash", "text", null),
                ["ops@centre.example.org"], DateTimeOffset.UtcNow);
            await db.SaveChangesAsync();
        }

        await using var host = await StartedAsync(new NotifyingHost(smtp, database.Options));

        (await smtp.ReceivedAsync(1)).Should().ContainSingle().Which.Subject.Should().Be("committed before the crash");
        (await host.OutboxAsync()).Should().ContainSingle().Which.State.Should().Be(OutboxState.Sent);
    }

    [Fact]
    public async Task Two_instances_both_running_the_sender_deliver_each_message_exactly_once()
    {
        await using var smtp = await TestSmtpServer.StartAsync();
        await using var database = await TestDatabases.CreateAsync(DatabaseProviderKind.PostgreSQL, postgres);
        await using var one = await StartedAsync(new NotifyingHost(smtp, database.Options));
        await using var two = await StartedAsync(new NotifyingHost(smtp, database.Options));

        await using (var db = await one.DbAsync())
        {
            for (var i = 0; i < 30; i++)
                Outbox.Add(db, new Notice("config.rejected", $"test:{i}", null, $"message {i}", "text", null), [$"person{i}@example.org"], DateTimeOffset.UtcNow);
            await db.SaveChangesAsync();
        }

        await AllSentAsync(one, 30);
        var mails = await smtp.ReceivedAsync(30);
        mails.Select(m => m.Subject).Should().OnlyHaveUniqueItems().And.HaveCount(30);
        mails.Select(m => m.MessageId).Should().OnlyHaveUniqueItems();
    }

    private static async Task<NotifyingHost> StartedAsync(NotifyingHost host)
    {
        await host.InitializeAsync();
        return host;
    }

    private static async Task<string> ClientWithManagersAsync(NotifyingHost host, string name, params string[] managers)
    {
        (await host.Services.GetRequiredService<ClientService>().CreateAsync(Actor.Cli, name)).Unwrap();
        foreach (var manager in managers) (await host.Services.GetRequiredService<ManagerService>().AddAsync(Actor.Cli, name, manager)).Unwrap();
        return (await host.Services.GetRequiredService<ApiKeyService>().CreateAsync(Actor.Cli, name, "test")).Unwrap().FullKey;
    }

    /// <summary>Waits until <paramref name="count"/> outbox rows exist and every one is sent (15 s at most).</summary>
    private static async Task AllSentAsync(NotifyingHost host, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        List<OutboxRow> rows;
        do
        {
            await using var db = await host.DbAsync();
            rows = await db.Outbox.AsNoTracking().ToListAsync();
            if (rows.Count == count && rows.All(r => r.State == OutboxState.Sent)) return;
            await Task.Delay(50);
        }
        while (DateTime.UtcNow < deadline);
        rows.Select(r => (r.Event, r.State, r.LastError)).Should().HaveCount(count).And.OnlyContain(r => r.State == OutboxState.Sent);
    }
}

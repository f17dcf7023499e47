using Lumen.Infrastructure.Persistence;
using Lumen.Infrastructure.RequestLog;
using Lumen.Tests.Portal.Site;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Lumen.Tests.Portal.RequestLog;

/// <summary>The server runs the retention (§16) with <c>Lumen:RequestLog:RetentionDays</c>, 90 unless set, from its start.</summary>
public sealed class RequestLogRetentionHostTests(PortalSite site) : IClassFixture<PortalSite>
{
    [Fact]
    public void The_server_keeps_log_rows_for_90_days_unless_told_otherwise()
    {
        site.Services.GetRequiredService<RequestLogRetentionOptions>().RetentionDays.Should().Be(90);
        site.Services.GetServices<IHostedService>().OfType<RequestLogRetention>().Should().ContainSingle();
    }

    [Fact]
    public async Task A_server_started_with_a_shorter_retention_deletes_older_rows_and_keeps_the_rest()
    {
        var now = DateTime.UtcNow;
        await using (var db = await site.Services.GetRequiredService<LumenDatabase>().CreateDbContextAsync())
        {
            var client = await db.Clients.Where(c => c.Name == PortalSite.ClientA).Select(c => c.Id).SingleAsync();
            db.RequestLog.AddRange(
                new RequestLogRow { ClientId = client, Model = "dummy", Status = 200, At = now.AddDays(-8), Outcome = "ok", RequestId = "eight-days" },
                new RequestLogRow { ClientId = client, Model = "dummy", Status = 200, At = now.AddDays(-6), Outcome = "ok", RequestId = "six-days" });
            await db.SaveChangesAsync();
        }

        await using var shorter = site.WithSettings((RequestLogRetentionOptions.Setting, "7"));
        _ = shorter.Server; // start it: the retention runs its first round at once
        shorter.Services.GetRequiredService<RequestLogRetentionOptions>().RetentionDays.Should().Be(7);

        var deadline = DateTime.UtcNow.AddSeconds(15);
        List<string?> left;
        do
        {
            await Task.Delay(200);
            await using var db = await site.Services.GetRequiredService<LumenDatabase>().CreateDbContextAsync();
            left = await db.RequestLog.Where(r => r.RequestId == "eight-days" || r.RequestId == "six-days").Select(r => r.RequestId).ToListAsync();
        }
        while (left.Count > 1 && DateTime.UtcNow < deadline);
        left.Should().Equal("six-days");
    }
}

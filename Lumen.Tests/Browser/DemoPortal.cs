using System.Globalization;
using Lumen.Tests.Hosting;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Tests.Browser;

/// <summary>
/// A portal with a realistic set of clients, as a research computing centre runs it: fourteen clients with managers,
/// months of usage and one deactivated client. Read-only for its tests (sorting, searching, roles, axe, screenshot).
/// </summary>
public sealed class DemoPortal : PortalServer
{
    /// <summary>Manages research-bot and data-pipeline only.</summary>
    public const string Manager = "pat.nguyen@example.org";

    /// <summary>Signed in, but neither admin nor manager of anything.</summary>
    public const string Stranger = "visitor@example.org";

    /// <summary>Name, managers, requests, input tokens, output tokens, coins spent, created (UTC date).</summary>
    public static readonly IReadOnlyList<DemoClient> Clients =
    [
        new("research-bot", [Manager, "r.okafor@example.org"], 48_213, 61_402_118, 9_873_402, 1_284.532118m, "2025-09-14"),
        new("data-pipeline", [Manager], 129_877, 203_118_940, 12_004_551, 2_310.904117m, "2025-08-02"),
        new("grading-assistant", ["m.garcia@example.org", "j.chen@example.org", "t.idowu@example.org"], 22_506, 18_220_310, 6_120_877, 412.008311m, "2025-10-21"),
        new("chem-lab-notebook", ["s.kowalski@example.org"], 3_118, 2_876_006, 1_022_118, 61.250004m, "2026-01-09"),
        new("genomics-annotator", ["a.haddad@example.org", "l.fischer@example.org"], 71_950, 144_003_870, 20_118_206, 3_915.770020m, "2025-07-18"),
        new("hpc-helpdesk-bot", ["support@example.org"], 9_442, 7_310_560, 3_904_112, 148.902006m, "2025-11-30"),
        new("lecture-summarizer", ["k.brennan@example.org"], 15_870, 40_221_905, 2_880_311, 530.118244m, "2025-12-05"),
        new("library-search", [], 1_204, 980_114, 210_905, 12.400200m, "2026-02-11"),
        new("climate-model-qa", ["e.lindqvist@example.org", "p.moreau@example.org"], 6_731, 12_800_440, 1_500_020, 201.661903m, "2026-01-27"),
        new("code-review-bot", ["devops@example.org"], 38_090, 55_004_821, 8_220_460, 902.310005m, "2025-10-03"),
        new("survey-coder", ["h.tanaka@example.org"], 512, 410_700, 96_203, 4.920000m, "2026-02-20"),
        new("translation-service", ["intl@example.org", "b.santos@example.org"], 27_455, 22_918_033, 21_004_870, 688.004511m, "2025-09-29"),
        new("astro-image-tagger", ["o.petrov@example.org"], 880, 1_530_227, 88_416, 18.775001m, "2025-06-12", Active: false),
        new("writing-tutor", ["c.mbeki@example.org", "d.walsh@example.org"], 11_306, 9_870_640, 5_501_398, 220.140870m, "2026-03-02"),
    ];

    /// <summary>A named entry in the config whose client does not exist yet: admins see it listed as pending.</summary>
    public const string PendingEntry = "thesis-helper";

    protected override string InitialConfig => BrowserConfig.Config()
        .WithClient("research-bot", new(Max: 5000.0m, Refresh: 10.0m, Starting: 5000.0m, TestConfig.Access.AllModels))
        .WithClient("genomics-annotator", new(Max: -2, ModelAccess: TestConfig.Access.AllModels))
        .WithClient(PendingEntry, new(Max: 50.0m, Refresh: 0.5m, Starting: 50.0m, BrowserConfig.DummyOnly))
        .ToString();

    protected override async Task SeedAsync()
    {
        foreach (var client in Clients)
        {
            await CreateClientAsync(client.Name, [.. client.Managers]);
            await SetUsageAsync(client.Name, client.Requests, client.InputTokens, client.OutputTokens, client.CoinsSpent,
                DateTime.Parse(client.Created, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal).AddHours(9.5));
            if (!client.Active) await SetActiveAsync(client.Name, false);
        }
        await LastDayAsync();
    }

    /// <summary>The active clients' last 24 hours for the Usage panel, busier the more they have called in all.</summary>
    private async Task LastDayAsync()
    {
        await using var db = await DbAsync();
        var ids = await db.Clients.ToDictionaryAsync(c => c.Name, c => c.Id);
        foreach (var client in Clients.Where(c => c.Active))
            SampleUsageDay.Add(db, ids[client.Name], [("dummy", 3), ("llama3", 2)], scale: client.Requests / 40_000.0);
        SampleUsageDay.AddTotals(db);
        await db.SaveChangesAsync();
    }
}

public sealed record DemoClient(
    string Name, IReadOnlyList<string> Managers, long Requests, long InputTokens, long OutputTokens, decimal CoinsSpent,
    string Created, bool Active = true)
{
    public long Tokens => InputTokens + OutputTokens;
}

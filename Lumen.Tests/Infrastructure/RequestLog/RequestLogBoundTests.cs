using Lumen.Infrastructure.UseCases;
using Lumen.Infrastructure.Persistence;
using Lumen.Infrastructure.RequestLog;
using Lumen.Seeding;
using Lumen.Tests.Infrastructure.Databases;

namespace Lumen.Tests.Infrastructure.RequestLog;

/// <summary>
/// A page filtered by model, outcome or key examines at most <see cref="RequestLogQuery.ScanLimit"/> of the client's
/// rows, on SQLite and PostgreSQL: a filter whose matches lie beyond that answers with what it found and where it
/// stopped, and following those cursors, either way, finds every match exactly once and in order. The CSV's walk is not
/// bounded. 250,000 rows, two to an instant (the id breaks ties, at the bounds too).
/// </summary>
[Collection("postgres")]
public sealed class RequestLogBoundTests(PostgresServer postgres)
{
    private const int Rows = 250_000;
    private const string Needle = "needle";

    /// <summary>
    /// Oldest first: row 149,999 is the newest needle, the first row past the newest 100,000; row 50,000 is the last row
    /// the second search examines.
    /// </summary>
    private static readonly int[] Needles = [10_000, 10_001, 50_000, 120_000, 149_999];

    private static DateTime At(int row) => TestPortal.Start.UtcDateTime.AddDays(-10).AddSeconds(row / 2);

    private static async Task<(RequestLogSetup Setup, List<string> RequestIds)> SeedAsync(TestDatabase db)
    {
        var s = await RequestLogSetup.CreateAsync(db);
        await BulkClientSeeder.WriteRequestLogAsync(db.Options, Enumerable.Range(0, Rows).Select(i => new RequestLogRow
        {
            ClientId = s.Alpha, ApiKeyId = s.First.Id, Model = Needles.Contains(i) ? Needle : "dummy", Status = 200,
            At = At(i), Outcome = "ok", Operation = "chat", RequestId = $"row-{i}",
        }));
        return (s, [.. Needles.Select(i => $"row-{i}")]);
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Matches_beyond_the_bound_are_found_by_following_the_searched_cursors_exactly_once_in_order(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        var (s, needles) = await SeedAsync(db);
        await using var _ = s.Portal;
        var log = s.Portal.Get<RequestLogService>();
        async Task<RequestLogPage> Page(RequestLogQuery q) => (await log.PageAsync(RequestLogSetup.ManagerA, "alpha", q)).Unwrap();
        // Rows 2n and 2n + 1 share an instant: the older of the two is the second, newest first.
        async Task<RequestLogCursor> CursorOf(int row) =>
            (await Page(new(Since: At(row), Until: At(row).AddSeconds(1), Limit: 2))).Entries[row % 2 == 0 ? 1 : 0].Cursor;

        // Newest first: the first search examines rows 249,999 … 150,000 and finds none.
        var first = await Page(new(Model: Needle));
        first.Entries.Should().BeEmpty();
        first.SearchedTo.Should().Be(await CursorOf(150_000));
        (first.Older, first.Newer).Should().Be((null, null));
        var found = new List<string?>();
        var page = first;
        var searches = 1;
        while (page.SearchedTo is { } searched)
        {
            page = await Page(new(Model: Needle, Before: searched));
            found.AddRange(page.Entries.Select(e => e.RequestId));
            searches++;
        }
        found.Should().Equal(Enumerable.Reverse(needles));
        searches.Should().Be(3, "250,000 rows are three searches of at most 100,000");
        page.Older.Should().BeNull("the last search reached the log's oldest row");

        // Oldest first, from the oldest row: the same matches, each once.
        var upward = new List<string?>();
        page = await Page(new(Model: Needle, After: await CursorOf(0)));
        page.SearchedTo.Should().Be(await CursorOf(100_000), "the first search upwards examines rows 1 … 100,000");
        while (true)
        {
            upward.AddRange(page.Entries.Reverse().Select(e => e.RequestId));
            if (page.SearchedTo is not { } searched) break;
            page = await Page(new(Model: Needle, After: searched));
        }
        upward.Should().Equal(needles);
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Common_filters_the_csv_and_the_permissions_are_as_without_the_bound(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        var (s, needles) = await SeedAsync(db);
        await using var _ = s.Portal;
        var log = s.Portal.Get<RequestLogService>();

        var common = (await log.PageAsync(RequestLogSetup.ManagerA, "alpha", new(Model: "dummy"))).Unwrap();
        common.Entries.Should().HaveCount(RequestLogQuery.DefaultLimit);
        (common.SearchedTo, common.Older).Should().Be((null, common.Entries[^1].Cursor));
        var unfiltered = (await log.PageAsync(RequestLogSetup.ManagerA, "alpha", new(Since: At(0)))).Unwrap();
        (unfiltered.Entries.Count, unfiltered.SearchedTo).Should().Be((RequestLogQuery.DefaultLimit, null));

        var whole = (await log.PageAsync(RequestLogSetup.ManagerA, "alpha", new(Model: Needle, WholeLog: true))).Unwrap();
        whole.Entries.Select(e => e.RequestId).Should().Equal(Enumerable.Reverse(needles), "the CSV walks as far as it must");
        whole.SearchedTo.Should().BeNull();

        (await log.PageAsync(RequestLogSetup.ManagerB, "alpha", new(Model: Needle))).Failure!.Kind.Should().Be(FailureKind.NotFound);
        (await log.PageAsync(TestPortal.Stranger, "alpha", new(Model: Needle))).Failure!.Kind.Should().Be(FailureKind.NotFound);
        var beta = (await log.PageAsync(RequestLogSetup.ManagerB, "beta", new(Model: Needle))).Unwrap();
        (beta.Entries.Count, beta.SearchedTo).Should().Be((0, null), "beta's log is empty: no bound, no cursor");
    }
}

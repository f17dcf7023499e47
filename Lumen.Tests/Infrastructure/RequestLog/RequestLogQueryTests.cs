using Lumen.Domain.Calls;
using Lumen.Infrastructure.Ledger;
using Lumen.Infrastructure.UseCases;
using Lumen.Infrastructure.Config;
using Lumen.Infrastructure.Persistence;
using Lumen.Infrastructure.RequestLog;
using Lumen.Tests.Infrastructure.Databases;

namespace Lumen.Tests.Infrastructure.RequestLog;

/// <summary>
/// §16's request log as the detail page reads it, on SQLite and PostgreSQL: who may read it (§6), newest first, keyed
/// pages both ways without gaps or repeats (rows of the same instant included), and each filter in the database.
/// </summary>
[Collection("postgres")]
public sealed class RequestLogQueryTests(PostgresServer postgres)
{
    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Admins_read_every_log_managers_their_clients_only_and_strangers_nothing(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        var s = await RequestLogSetup.CreateAsync(db);
        await using var _ = s.Portal;
        await s.CallAsync(s.Alpha, s.First, "dummy");
        await s.CallAsync(s.Beta, s.BetaKey, "dummy");
        var log = s.Portal.Get<RequestLogService>();

        (await log.PageAsync(TestPortal.Admin, "alpha", new())).Unwrap().Entries.Should().ContainSingle();
        (await log.PageAsync(TestPortal.Admin, "beta", new())).Unwrap().Entries.Should().ContainSingle();
        (await log.PageAsync(RequestLogSetup.ManagerA, "alpha", new())).Unwrap().Entries.Should().ContainSingle()
            .Which.KeyHint.Should().Be(s.First.Key.Hint);
        (await log.PageAsync(RequestLogSetup.ManagerA, "beta", new())).Failure!.Kind.Should().Be(FailureKind.NotFound);
        (await log.PageAsync(RequestLogSetup.ManagerB, "alpha", new())).Failure!.Kind.Should().Be(FailureKind.NotFound);
        (await log.PageAsync(TestPortal.Stranger, "alpha", new())).Failure!.Kind.Should().Be(FailureKind.NotFound);
        (await log.PageAsync(new Actor(""), "alpha", new())).Failure!.Kind.Should().Be(FailureKind.NotFound);
        (await log.PageAsync(TestPortal.Admin, "ghost", new())).Failure!.Kind.Should().Be(FailureKind.NotFound);
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Pages_walk_newest_first_and_back_without_gaps_or_repeats(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        var s = await RequestLogSetup.CreateAsync(db);
        await using var _ = s.Portal;
        var written = new List<string>();
        for (var i = 0; i < 11; i++)
        {
            // Pairs of calls at the same instant: the id breaks the tie, on both sides of a page boundary.
            if (i % 2 == 0) s.Portal.Clock.Advance(TimeSpan.FromSeconds(1));
            var id = $"req-{i:D2}";
            await s.CallAsync(s.Alpha, i % 3 == 0 ? s.Second : s.First, "dummy", requestId: id);
            written.Add(id);
            await s.CallAsync(s.Beta, s.BetaKey, "dummy"); // another client's rows in between
        }
        var log = s.Portal.Get<RequestLogService>();
        var newestFirst = Enumerable.Reverse(written).ToList();

        var seen = new List<string?>();
        var page = (await log.PageAsync(TestPortal.Admin, "alpha", new RequestLogQuery(Limit: 3))).Unwrap();
        page.Newer.Should().BeNull();
        var pages = new List<RequestLogPage>();
        while (true)
        {
            pages.Add(page);
            seen.AddRange(page.Entries.Select(e => e.RequestId));
            if (page.Older is not { } older) break;
            page = (await log.PageAsync(TestPortal.Admin, "alpha", new RequestLogQuery(Before: older, Limit: 3))).Unwrap();
        }
        seen.Should().Equal(newestFirst);
        pages.Should().HaveCount(4);

        // Back from the last page: the one before it, in the same order.
        var back = (await log.PageAsync(TestPortal.Admin, "alpha", new RequestLogQuery(After: page.Newer, Limit: 3))).Unwrap();
        back.Entries.Select(e => e.RequestId).Should().Equal(pages[^2].Entries.Select(e => e.RequestId));
        back.Newer.Should().NotBeNull();
        back.Older.Should().NotBeNull();
        var top = (await log.PageAsync(TestPortal.Admin, "alpha", new RequestLogQuery(After: pages[1].Newer, Limit: 3))).Unwrap();
        top.Entries.Select(e => e.RequestId).Should().Equal(newestFirst.Take(3));
        top.Newer.Should().BeNull("nothing is newer than the newest page");
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Filters_by_time_model_outcome_and_key_combine(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        var s = await RequestLogSetup.CreateAsync(db);
        await using var _ = s.Portal;
        await s.CallAsync(s.Alpha, s.First, "dummy", requestId: "early-dummy");
        s.Portal.Clock.Advance(TimeSpan.FromHours(1));
        var later = s.Portal.Clock.GetUtcNow().UtcDateTime;
        await s.CallAsync(s.Alpha, s.First, "llama3", input: 1000, output: 2000, requestId: "late-llama");
        await s.CallAsync(s.Alpha, s.Second, "llama3", CallOutcome.RefusedBudget, requestId: "late-refused");
        s.Portal.Clock.Advance(TimeSpan.FromHours(1));
        await s.CallAsync(s.Alpha, s.Second, "dummy", requestId: "last-dummy");
        await s.CallAsync(s.Beta, s.BetaKey, "llama3", requestId: "beta");
        var log = s.Portal.Get<RequestLogService>();

        async Task<IEnumerable<string?>> Find(RequestLogQuery q) =>
            (await log.PageAsync(RequestLogSetup.ManagerA, "alpha", q)).Unwrap().Entries.Select(e => e.RequestId);

        (await Find(new())).Should().Equal("last-dummy", "late-refused", "late-llama", "early-dummy");
        (await Find(new(Since: later))).Should().Equal("last-dummy", "late-refused", "late-llama");
        (await Find(new(Until: later))).Should().Equal("early-dummy");
        (await Find(new(Since: later, Until: later.AddHours(1)))).Should().Equal("late-refused", "late-llama");
        (await Find(new(Model: "llama3"))).Should().Equal("late-refused", "late-llama");
        (await Find(new(Outcome: CallOutcome.RefusedBudget))).Should().Equal("late-refused");
        (await Find(new(Outcome: CallOutcome.Ok, Model: "llama3"))).Should().Equal("late-llama");
        (await Find(new(Key: s.Second.Key.PublicId))).Should().Equal("last-dummy", "late-refused");
        (await Find(new(Key: s.Second.Key.PublicId, Model: "dummy", Since: later))).Should().Equal("last-dummy");
        (await Find(new(Key: s.BetaKey.Key.PublicId))).Should().BeEmpty("beta's key is not one of alpha's");
        (await Find(new(Model: "no-such-model"))).Should().BeEmpty();

        var row = (await log.PageAsync(TestPortal.Admin, "alpha", new(Model: "llama3", Outcome: CallOutcome.Ok))).Unwrap().Entries.Single();
        row.Should().BeEquivalentTo(new
        {
            KeyHint = s.First.Key.Hint, Model = "llama3", Status = 200, ErrorCode = (string?)null, InputTokens = 1000L,
            OutputTokens = 2000L, CoinsMicros = 1_500_000L, DurationMs = 42, Operation = "chat", Outcome = "ok", At = later,
        });
        row.At.Kind.Should().Be(DateTimeKind.Utc);
        var refused = (await log.PageAsync(TestPortal.Admin, "alpha", new(Outcome: CallOutcome.RefusedBudget))).Unwrap().Entries.Single();
        (refused.Status, refused.ErrorCode, refused.Outcome, refused.CoinsMicros).Should().Be((429, "insufficient_quota", "refused_budget", 0L));
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task The_model_filter_offers_the_models_the_client_used_including_those_removed_from_the_config(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        var s = await RequestLogSetup.CreateAsync(db);
        await using var _ = s.Portal;
        await s.CallAsync(s.Alpha, s.First, "llama3", requestId: "llama");
        await s.CallAsync(s.Alpha, s.First, "dummy", requestId: "dummy");
        // A refused call of a model the config never defined: its row keeps the caller's name, its usage says (unknown).
        await s.Portal.Ledger.LogRefusalAsync(new CallRecord(s.Alpha, s.Second.Id, "made-up", 404, "model_not_found", 0, 0, 0, 1,
            CallOutcome.RefusedAccess, "chat", "made-up", KnownModel: false));
        await s.CallAsync(s.Beta, s.BetaKey, "beta-model", requestId: "beta"); // another client's model
        s.Portal.Config.Apply(ConfigLoader.Parse(TestPortal.Yaml.Replace(
            "  - name: llama3\n    input_cost_per_million: 0.5\n    output_cost_per_million: 1.5\n", "", StringComparison.Ordinal)));
        s.Portal.Config.InForce!.Models.Defines("llama3").Should().BeFalse("llama3 is no longer in the config");
        var log = s.Portal.Get<RequestLogService>();

        (await log.ModelsAsync(RequestLogSetup.ManagerA, "alpha")).Unwrap()
            .Should().Equal("dummy", "gray-model", "black-model", UsageHours.UnknownModel, "llama3");
        async Task<IEnumerable<string?>> Find(string model) =>
            (await log.PageAsync(RequestLogSetup.ManagerA, "alpha", new(Model: model))).Unwrap().Entries.Select(e => e.RequestId);
        (await Find("llama3")).Should().Equal("llama");
        (await Find(UsageHours.UnknownModel)).Should().Equal("made-up");
        (await Find("dummy")).Should().Equal("dummy");

        (await log.ModelsAsync(RequestLogSetup.ManagerB, "alpha")).Failure!.Kind.Should().Be(FailureKind.NotFound);
        (await log.ModelsAsync(TestPortal.Stranger, "alpha")).Failure!.Kind.Should().Be(FailureKind.NotFound);
        (await log.ModelsAsync(TestPortal.Admin, "ghost")).Failure!.Kind.Should().Be(FailureKind.NotFound);
        (await log.ModelsAsync(TestPortal.Admin, "beta")).Unwrap().Should().Contain("beta-model").And.NotContain("llama3");
    }
}

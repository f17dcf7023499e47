using Lumen.Domain.ApiKeys;
using Lumen.Infrastructure.ApiKeys;
using Lumen.Infrastructure.Audit;
using Lumen.Infrastructure.Persistence;
using Lumen.Infrastructure.UseCases;
using Lumen.Tests.Infrastructure.Databases;

namespace Lumen.Tests.Infrastructure.ApiKeys;

/// <summary>§22 through the use cases, on each database: lifetimes, the ceiling, rotation and its grace, the audit, the filters.</summary>
[Collection("postgres")]
public sealed class KeyLifecycleTests(PostgresServer postgres)
{
    private static readonly string CeilingYaml = TestPortal.Yaml + "\nkeys: {max_days: 90}\n";

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task A_key_works_until_its_expiry_and_not_from_that_moment(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var portal = new TestPortal(db);
        await portal.CreateClientAsync("alpha");
        var month = (await portal.Keys.CreateAsync(Actor.Cli, "alpha", "month", KeyLifetime.FromDays(30))).Unwrap();
        var dated = (await portal.Keys.CreateAsync(Actor.Cli, "alpha", "dated", KeyLifetime.ThroughDay(new DateOnly(2026, 3, 10)))).Unwrap();
        var forever = (await portal.Keys.CreateAsync(Actor.Cli, "alpha", "forever", KeyLifetime.Never)).Unwrap();

        month.Key.ExpiresAt.Should().Be(TestPortal.Start.UtcDateTime.AddDays(30));
        dated.Key.ExpiresAt.Should().Be(new DateTime(2026, 3, 11, 0, 0, 0, DateTimeKind.Utc), "a date means through that day, UTC");
        forever.Key.ExpiresAt.Should().BeNull();

        portal.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 10, 23, 59, 59, TimeSpan.Zero));
        (await portal.Verifier.VerifyAsync(dated.FullKey)).Status.Should().Be(KeyStatus.Valid);
        portal.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 11, 0, 0, 0, TimeSpan.Zero));
        (await portal.Verifier.VerifyAsync(dated.FullKey)).Status.Should().Be(KeyStatus.Invalid);

        portal.Clock.SetUtcNow(TestPortal.Start.AddDays(30).AddSeconds(-1));
        (await portal.Verifier.VerifyAsync(month.FullKey)).Status.Should().Be(KeyStatus.Valid);
        portal.Clock.Advance(TimeSpan.FromSeconds(1));
        (await portal.Verifier.VerifyAsync(month.FullKey)).Status.Should().Be(KeyStatus.Invalid);
        portal.Clock.Advance(TimeSpan.FromDays(3650));
        (await portal.Verifier.VerifyAsync(forever.FullKey)).Status.Should().Be(KeyStatus.Valid);

        var listed = (await portal.Keys.ListAsync(Actor.Cli, "alpha")).Unwrap();
        listed.Single(k => k.Name == "month").StatusAt(portal.Clock.GetUtcNow()).Should().Be(ApiKeyStatus.Expired);
        listed.Single(k => k.Name == "forever").StatusAt(portal.Clock.GetUtcNow()).Should().Be(ApiKeyStatus.Active);
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task The_ceiling_refuses_a_longer_lifetime_and_never_and_is_the_default_without_one(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var portal = new TestPortal(db, CeilingYaml);
        await portal.CreateClientAsync("alpha");

        var tooLong = await portal.Keys.CreateAsync(Actor.Cli, "alpha", null, KeyLifetime.FromDays(365));
        var never = await portal.Keys.CreateAsync(Actor.Cli, "alpha", null, KeyLifetime.Never);
        var lateDate = await portal.Keys.CreateAsync(Actor.Cli, "alpha", null, KeyLifetime.ThroughDay(new DateOnly(2026, 5, 31)));
        var pastDate = await portal.Keys.CreateAsync(Actor.Cli, "alpha", null, KeyLifetime.ThroughDay(new DateOnly(2026, 2, 28)));
        var lastDay = await portal.Keys.CreateAsync(Actor.Cli, "alpha", null, KeyLifetime.ThroughDay(new DateOnly(2026, 5, 30)));
        var byDefault = (await portal.Keys.CreateAsync(Actor.Cli, "alpha", null)).Unwrap();

        tooLong.Failure!.Message.Should().Contain("at most 90 days");
        never.Failure!.Message.Should().Contain("Keys must expire");
        lateDate.Failure!.Kind.Should().Be(FailureKind.Invalid);
        pastDate.Failure!.Message.Should().Contain("has passed");
        lastDay.Succeeded.Should().BeTrue("today + 90 days is within the ceiling");
        byDefault.Key.ExpiresAt.Should().Be(TestPortal.Start.UtcDateTime.AddDays(90), "without a lifetime the ceiling is given");
        (await portal.Keys.ListAsync(Actor.Cli, "alpha")).Unwrap().Should().HaveCount(2, "nothing was stored for a refusal");
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Keys_beyond_a_new_ceiling_keep_their_lifetime_and_are_counted(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var portal = new TestPortal(db);
        await portal.CreateClientAsync("alpha");
        var forever = await portal.CreateKeyAsync("alpha");
        (await portal.Keys.CreateAsync(Actor.Cli, "alpha", "year", KeyLifetime.FromDays(365))).Unwrap();
        (await portal.Keys.CreateAsync(Actor.Cli, "alpha", "month", KeyLifetime.FromDays(30))).Unwrap();
        var revoked = await portal.CreateKeyAsync("alpha");
        (await portal.Keys.RevokeAsync(Actor.Cli, "alpha", revoked.Key.PublicId)).Unwrap();

        (await portal.Keys.CountBeyondCeilingAsync(90)).Should().Be(2, "never and 365 days exceed 90; revoked keys do not count");
        (await portal.Keys.CountBeyondCeilingAsync(400)).Should().Be(1);
        (await portal.Verifier.VerifyAsync(forever.FullKey)).Status.Should().Be(KeyStatus.Valid, "a ceiling does not shorten existing keys");
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Rotation_without_grace_refuses_the_old_key_at_once_and_with_an_hour_keeps_both_until_then(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var portal = new TestPortal(db);
        await portal.CreateClientAsync("alpha");
        var now = (await portal.Keys.CreateAsync(Actor.Cli, "alpha", "now", KeyLifetime.FromDays(30))).Unwrap();
        var later = (await portal.Keys.CreateAsync(Actor.Cli, "alpha", "later", KeyLifetime.FromDays(30))).Unwrap();
        portal.Clock.Advance(TimeSpan.FromDays(10));

        var atOnce = (await portal.Keys.RotateAsync(Actor.Cli, "alpha", now.Key.Hint, KeyGrace.None)).Unwrap();
        var graced = (await portal.Keys.RotateAsync(Actor.Cli, "alpha", later.Key.PublicId, KeyGrace.Hour)).Unwrap();

        (await portal.Verifier.VerifyAsync(now.FullKey)).Status.Should().Be(KeyStatus.Invalid);
        (await portal.Verifier.VerifyAsync(atOnce.Successor.FullKey)).Status.Should().Be(KeyStatus.Valid);
        atOnce.Successor.Key.Name.Should().Be("now");
        atOnce.Successor.Key.ExpiresAt.Should().Be(portal.Clock.GetUtcNow().UtcDateTime.AddDays(30), "a lifetime as long as the old key's, from now");
        (await portal.Verifier.VerifyAsync(later.FullKey)).Status.Should().Be(KeyStatus.Valid);
        (await portal.Verifier.VerifyAsync(graced.Successor.FullKey)).Status.Should().Be(KeyStatus.Valid);

        var again = await portal.Keys.RotateAsync(Actor.Cli, "alpha", later.Key.PublicId, KeyGrace.Week);
        again.Failure!.Kind.Should().Be(FailureKind.Conflict, "a key in its grace cannot be rotated again");
        again.Failure.Message.Should().Contain("already rotated");

        portal.Clock.Advance(TimeSpan.FromMinutes(59));
        (await portal.Verifier.VerifyAsync(later.FullKey)).Status.Should().Be(KeyStatus.Valid);
        portal.Clock.Advance(TimeSpan.FromMinutes(1));
        (await portal.Verifier.VerifyAsync(later.FullKey)).Status.Should().Be(KeyStatus.Invalid);
        (await portal.Verifier.VerifyAsync(graced.Successor.FullKey)).Status.Should().Be(KeyStatus.Valid);

        var listed = (await portal.Keys.ListAsync(Actor.Cli, "alpha")).Unwrap();
        listed.Single(k => k.PublicId == later.Key.PublicId).ReplacedBy.Should().Be(graced.Successor.Key.Hint);
        listed.Single(k => k.PublicId == now.Key.PublicId).ReplacedBy.Should().Be(atOnce.Successor.Key.Hint);
        listed.Where(k => k.ReplacedBy is null).Select(k => k.Hint).Should().BeEquivalentTo([atOnce.Successor.Key.Hint, graced.Successor.Key.Hint]);
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task A_successor_keeps_within_the_ceiling_and_a_never_key_is_followed_by_a_never_key(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var portal = new TestPortal(db);
        await portal.CreateClientAsync("alpha");
        var forever = await portal.CreateKeyAsync("alpha");
        var year = (await portal.Keys.CreateAsync(Actor.Cli, "alpha", "year", KeyLifetime.FromDays(365))).Unwrap();
        var revoked = await portal.CreateKeyAsync("alpha");
        (await portal.Keys.RevokeAsync(Actor.Cli, "alpha", revoked.Key.PublicId)).Unwrap();

        var neverAgain = (await portal.Keys.RotateAsync(Actor.Cli, "alpha", forever.Key.PublicId, KeyGrace.Day)).Unwrap();
        neverAgain.Successor.Key.ExpiresAt.Should().BeNull();
        neverAgain.Old.ExpiresAt.Should().Be(TestPortal.Start.UtcDateTime.AddDays(1));
        (await portal.Keys.RotateAsync(Actor.Cli, "alpha", revoked.Key.PublicId, KeyGrace.Day)).Failure!.Message.Should().Contain("revoked");

        await using var capped = new TestPortal(db, CeilingYaml);
        var rotated = (await capped.Keys.RotateAsync(Actor.Cli, "alpha", year.Key.PublicId, KeyGrace.Week)).Unwrap();
        rotated.Successor.Key.ExpiresAt.Should().Be(TestPortal.Start.UtcDateTime.AddDays(90), "the ceiling caps the successor");
        rotated.Old.ExpiresAt.Should().Be(TestPortal.Start.UtcDateTime.AddDays(7));
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Create_rotate_and_revoke_are_one_audit_entry_each_with_the_expiry_and_the_grace(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var portal = new TestPortal(db);
        await portal.CreateClientAsync("alpha");
        var key = (await portal.Keys.CreateAsync(Actor.Cli, "alpha", "ci", KeyLifetime.FromDays(30))).Unwrap();
        var rotated = (await portal.Keys.RotateAsync(Actor.Cli, "alpha", key.Key.PublicId, KeyGrace.Day)).Unwrap();
        (await portal.Keys.RevokeAsync(Actor.Cli, "alpha", rotated.Successor.Key.PublicId)).Unwrap();
        (await portal.Keys.RotateAsync(Actor.Cli, "alpha", key.Key.PublicId, KeyGrace.Day)).Succeeded.Should().BeFalse();
        portal.Clock.Advance(TimeSpan.FromDays(2)); // the old key expires: not an action, not an entry

        var entries = (await portal.Audit.HistoryAsync(TestPortal.Admin, "alpha", new AuditQuery())).Unwrap().Entries
            .Where(e => e.Action.StartsWith("key.", StringComparison.Ordinal)).Reverse().ToList();

        entries.Select(e => e.Action).Should().Equal(AuditActions.KeyCreated, AuditActions.KeyRotated, AuditActions.KeyRevoked);
        entries[0].Summary.Should().Be($"key created {key.Key.Hint} (ci), expires 2026-03-31 09:00 UTC");
        entries[1].Summary.Should().Be($"key rotated {key.Key.Hint} (ci) → {rotated.Successor.Key.Hint}, grace 1 day: " +
            "old key expires 2026-03-02 09:00 UTC, new key expires 2026-03-31 09:00 UTC");
        entries[2].Summary.Should().Contain($"key revoked {rotated.Successor.Key.Hint}");
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task The_filters_find_keys_expiring_within_14_days_and_keys_unused_for_30(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var portal = new TestPortal(db);
        await portal.CreateClientAsync("alpha");
        foreach (var (name, days) in new[] { ("d13", 13), ("d14", 14), ("d15", 15), ("d60", 60) })
            (await portal.Keys.CreateAsync(Actor.Cli, "alpha", name, KeyLifetime.FromDays(days))).Unwrap();
        var used = await portal.CreateKeyAsync("alpha", "used");
        await portal.CreateKeyAsync("alpha", "idle");
        var gone = await portal.CreateKeyAsync("alpha", "gone");
        (await portal.Keys.RevokeAsync(Actor.Cli, "alpha", gone.Key.PublicId)).Unwrap();
        portal.Clock.Advance(TimeSpan.FromDays(1));
        await using (var context = await portal.Contexts.CreateDbContextAsync())
        {
            var row = await context.ApiKeys.FindAsync(used.Id);
            row!.LastUsedAt = portal.Clock.GetUtcNow().UtcDateTime;
            await context.SaveChangesAsync();
        }

        var at = portal.Clock.GetUtcNow();
        var keys = (await portal.Keys.ListAsync(Actor.Cli, "alpha")).Unwrap();
        keys.Where(k => k.ExpiresSoonAt(at)).Select(k => k.Name).Should().BeEquivalentTo(["d13", "d14", "d15"],
            "a day has passed: 15 days from creation is 14 from now");
        keys.Where(k => k.UnusedAt(at)).Should().BeEmpty("no key is 30 days old yet");

        portal.Clock.Advance(TimeSpan.FromDays(30));
        at = portal.Clock.GetUtcNow();
        keys = (await portal.Keys.ListAsync(Actor.Cli, "alpha")).Unwrap();
        keys.Where(k => k.UnusedAt(at)).Select(k => k.Name).Should().BeEquivalentTo(["used", "idle", "d60"],
            "the expired and the revoked are not listed as unused; 'used' was last used 30 days ago");
        keys.Where(k => k.ExpiresSoonAt(at)).Select(k => k.Name).Should().BeEmpty("d60 has 29 days left");
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task A_changed_ceiling_is_in_the_config_applied_entry_and_an_unchanged_one_is_not(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var portal = new TestPortal(db);
        await portal.Sync.ApplyAsync(portal.Config.InForce!);
        var ceiling = Lumen.Infrastructure.Config.ConfigLoader.Parse(CeilingYaml).Config!;

        await portal.Sync.ApplyAsync(ceiling);
        await portal.Sync.ApplyAsync(ceiling);

        var applied = (await portal.Audit.ListAsync(Actor.Cli, new AuditQuery(Action: AuditActions.ConfigApplied))).Unwrap().Entries;
        applied.Where(e => e.Summary.Contains("keys max_days", StringComparison.Ordinal)).Should().ContainSingle()
            .Which.Summary.Should().Contain("keys max_days none → 90");
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Of_two_rotations_at_once_on_two_instances_one_wins_and_one_entry_is_recorded(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var one = new TestPortal(db);
        await using var two = new TestPortal(db);
        await one.CreateClientAsync("alpha");
        var key = await one.CreateKeyAsync("alpha", "ci");

        var both = await Task.WhenAll(
            one.Keys.RotateAsync(Actor.Cli, "alpha", key.Key.PublicId, KeyGrace.Hour),
            two.Keys.RotateAsync(Actor.Cli, "alpha", key.Key.PublicId, KeyGrace.Day));

        both.Count(r => r.Succeeded).Should().Be(1);
        both.Single(r => !r.Succeeded).Failure!.Kind.Should().Be(FailureKind.Conflict);
        var keys = (await one.Keys.ListAsync(Actor.Cli, "alpha")).Unwrap();
        keys.Should().HaveCount(2, "the loser's successor was rolled back");
        keys.Single(k => k.PublicId == key.Key.PublicId).ReplacedBy.Should().Be(both.Single(r => r.Succeeded).Value!.Successor.Key.Hint);
        (await one.Audit.HistoryAsync(TestPortal.Admin, "alpha", new AuditQuery(Action: AuditActions.KeyRotated))).Unwrap().Entries
            .Should().ContainSingle();
    }
}

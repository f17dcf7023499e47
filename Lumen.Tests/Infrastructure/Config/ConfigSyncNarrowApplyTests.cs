using Lumen.Domain.Config;
using Lumen.Infrastructure.Config;
using Lumen.Infrastructure.Persistence;
using Lumen.Tests.Infrastructure.Databases;

namespace Lumen.Tests.Infrastructure.Config;

/// <summary>
/// After a first apply, a save that leaves the default entry alone reads only named entries and new clients. These are
/// the cases that read could miss: an entry added, an entry removed, a client created after that apply.
/// </summary>
[Collection("postgres")]
public sealed class ConfigSyncNarrowApplyTests(PostgresServer postgres)
{
    private static readonly string WithPlainEntry = TestPortal.Yaml + "\n  plain-bot:\n    max: 7.0\n";

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Adding_and_removing_a_named_entry_after_a_full_apply_changes_that_client(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var portal = new TestPortal(db);
        var plain = await portal.CreateClientAsync("plain-bot");
        await portal.CreateClientAsync("other-bot");
        await portal.Sync.ApplyAsync(Parse(TestPortal.Yaml)); // the full look, which the next two can skip

        var added = await portal.Sync.ApplyAsync(Parse(WithPlainEntry));
        added.Changes.Select(c => c.Client).Should().Equal("plain-bot");
        (await portal.PoolRowAsync(plain.Id)).MaxMicros.Should().Be(7_000_000);

        var removed = await portal.Sync.ApplyAsync(Parse(TestPortal.Yaml));
        removed.Changes.Select(c => c.Client).Should().Equal("plain-bot");
        (await portal.PoolRowAsync(plain.Id)).MaxMicros.Should().Be(100_000_000, "without its entry it gets clients.default again");
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task A_client_written_under_another_config_after_the_last_apply_is_mended_by_the_next(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var portal = new TestPortal(db);
        await portal.Sync.ApplyAsync(Parse(TestPortal.Yaml));
        // Another process (a command line with an older file, say) creates a client with a named entry this file lacks.
        ClientRow plain;
        await using (var other = new TestPortal(db, WithPlainEntry)) plain = await other.CreateClientAsync("plain-bot");
        (await portal.PoolRowAsync(plain.Id)).MaxMicros.Should().Be(7_000_000, "created under the other file");

        var report = await portal.Sync.ApplyAsync(Parse(TestPortal.Yaml));

        report.Changes.Select(c => c.Client).Should().Equal("plain-bot");
        (await portal.PoolRowAsync(plain.Id)).MaxMicros.Should().Be(100_000_000, "this file has no entry for it");
    }

    private static LumenConfig Parse(string yaml) => ConfigLoader.Parse(yaml).Config!;
}

using Lumen.Infrastructure.UseCases;
using Lumen.Infrastructure.Persistence;
using Lumen.Tests.Infrastructure.Databases;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Tests.Infrastructure;

/// <summary>
/// Names a person chooses (key names, client names, manager e-mails) that hold NUL or a lone surrogate are refused with
/// a message that says why, and nothing is stored: PostgreSQL cannot hold them and SQLite would, so both refuse alike.
/// </summary>
[Collection("postgres")]
public sealed class UnstorableTextTests(PostgresServer postgres)
{
    private static readonly string[] Unstorable = ["a\0b", "a\ud800b", "\udc00"];

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Names_holding_NUL_or_a_lone_surrogate_are_refused_and_nothing_is_stored(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var portal = new TestPortal(db);
        await portal.CreateClientAsync("alpha");

        foreach (var text in Unstorable)
        {
            var label = await portal.Keys.CreateAsync(TestPortal.Admin, "alpha", text);
            var client = await portal.Clients.CreateAsync(TestPortal.Admin, text);
            var manager = await portal.Managers.AddAsync(TestPortal.Admin, "alpha", text + "@example.org");

            label.Failure!.Kind.Should().Be(FailureKind.Invalid);
            label.Failure.Message.Should().Contain("key name");
            client.Failure!.Kind.Should().Be(FailureKind.Invalid);
            manager.Failure!.Kind.Should().Be(FailureKind.Invalid);
        }

        await using var context = await db.Factory.CreateDbContextAsync();
        (await context.ApiKeys.CountAsync()).Should().Be(0);
        (await context.Clients.CountAsync()).Should().Be(1);
        (await context.Managers.CountAsync()).Should().Be(0);
    }
}

using Lumen.Infrastructure.UseCases;
using Lumen.Infrastructure.Persistence;
using Lumen.Tests.Infrastructure.Databases;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Tests.Infrastructure.Consent;

/// <summary>§5: consent is recorded only for graylisted models, at most once, and withdrawal keeps the history.</summary>
[Collection("postgres")]
public sealed class ConsentServiceTests(PostgresServer postgres)
{
    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Consent_for_a_graylisted_model_is_recorded_once(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var portal = new TestPortal(db);
        var client = await portal.CreateClientAsync("alpha");

        var first = (await portal.Consents.GrantAsync(new Actor("Admin@example.org"), "alpha", "gray-model")).Unwrap();
        portal.Clock.Advance(TimeSpan.FromMinutes(3));
        var second = (await portal.Consents.GrantAsync(Actor.Cli, "alpha", "gray-model")).Unwrap();

        second.Should().Be(first, "recording twice is harmless: the first record (admin, 3 minutes earlier) stands");
        second.GrantedBy.Should().Be("admin@example.org");
        (await portal.Consents.ConsentedModelsAsync(client.Id)).Should().ContainSingle().Which.Should().Be("gray-model");
        await using var context = await db.Factory.CreateDbContextAsync();
        (await context.Consents.CountAsync()).Should().Be(1);
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task A_model_graylisted_by_the_default_mode_takes_consent(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var portal = new TestPortal(db);
        var client = await portal.CreateClientAsync("all-gray");

        (await portal.Consents.GrantAsync(Actor.Cli, "all-gray", "llama3")).Succeeded.Should().BeTrue();

        (await portal.Consents.ConsentedModelsAsync(client.Id)).Should().ContainSingle().Which.Should().Be("llama3");
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Consent_for_a_model_that_is_not_graylisted_is_refused_with_a_clear_message(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var portal = new TestPortal(db);
        var client = await portal.CreateClientAsync("alpha");

        var whitelisted = await portal.Consents.GrantAsync(Actor.Cli, "alpha", "dummy");
        var blacklisted = await portal.Consents.GrantAsync(Actor.Cli, "alpha", "black-model");
        var byDefault = await portal.Consents.GrantAsync(Actor.Cli, "alpha", "llama3");
        var unknown = await portal.Consents.GrantAsync(Actor.Cli, "alpha", "no-such-model");

        whitelisted.Failure.Should().Be(new Failure(FailureKind.Invalid,
            "Model 'dummy' is not graylisted for 'alpha' (in whitelist): consent does not apply."));
        blacklisted.Failure.Should().Be(new Failure(FailureKind.Invalid,
            "Model 'black-model' is not graylisted for 'alpha' (in blacklist): consent does not apply."));
        byDefault.Failure.Should().Be(new Failure(FailureKind.Invalid,
            "Model 'llama3' is not graylisted for 'alpha' (model_access.default: blacklist): consent does not apply."));
        unknown.Failure.Should().Be(new Failure(FailureKind.Invalid, "Model 'no-such-model' is not defined in the config."));
        (await portal.Consents.ConsentedModelsAsync(client.Id)).Should().BeEmpty();
        await using var context = await db.Factory.CreateDbContextAsync();
        (await context.Consents.CountAsync()).Should().Be(0);
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Withdrawing_consent_keeps_the_record_as_history(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var portal = new TestPortal(db);
        var client = await portal.CreateClientAsync("alpha");
        var granted = (await portal.Consents.GrantAsync(Actor.Cli, "alpha", "gray-model")).Unwrap();
        portal.Clock.Advance(TimeSpan.FromHours(2));

        var withdrawn = (await portal.Consents.WithdrawAsync(TestPortal.Admin, "alpha", "gray-model")).Unwrap();

        (withdrawn.Model, withdrawn.GrantedAt, withdrawn.GrantedBy).Should().Be((granted.Model, granted.GrantedAt, granted.GrantedBy), "the granted record is the one withdrawn");
        (await portal.Consents.ConsentedModelsAsync(client.Id)).Should().BeEmpty();
        var again = await portal.Consents.WithdrawAsync(TestPortal.Admin, "alpha", "gray-model");
        again.Failure!.Kind.Should().Be(FailureKind.NotFound);
        again.Failure.Message.Should().Be("'alpha' has no consent for 'gray-model'.");

        var regranted = (await portal.Consents.GrantAsync(TestPortal.Admin, "alpha", "gray-model")).Unwrap();
        regranted.GrantedAt.Should().BeAfter(granted.GrantedAt, "a new record; the withdrawn one stays as history");
        (await portal.Consents.ConsentedModelsAsync(client.Id)).Should().ContainSingle().Which.Should().Be("gray-model");

        await using var context = await db.Factory.CreateDbContextAsync();
        var history = await context.Consents.AsNoTracking().OrderBy(c => c.Id).ToListAsync();
        history.Should().HaveCount(2);
        history[0].GrantedBy.Should().Be("cli");
        history[0].WithdrawnBy.Should().Be("admin@example.org");
        history[0].WithdrawnAt.Should().Be(TestPortal.Start.AddHours(2).UtcDateTime);
        history[1].WithdrawnAt.Should().BeNull();
    }
    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Consent_recorded_by_two_people_at_once_is_withdrawn_by_one_withdrawal(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var first = new TestPortal(db);
        await using var second = new TestPortal(db);
        var client = await first.CreateClientAsync("alpha");

        // Two managers (or one double click) on two instances record the same consent at the same moment.
        var grants = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() =>
            (i % 2 == 0 ? first : second).Consents.GrantAsync(Actor.Cli, "alpha", "gray-model"))));
        grants.Should().OnlyContain(g => g.Succeeded);

        (await first.Consents.WithdrawAsync(TestPortal.Admin, "alpha", "gray-model")).Succeeded.Should().BeTrue();

        (await second.Consents.ConsentedModelsAsync(client.Id)).Should().BeEmpty("a withdrawn consent must not stay in force");
    }
}

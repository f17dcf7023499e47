using System.Data.Common;
using Lumen.Infrastructure.Audit;
using Lumen.Infrastructure.UseCases;
using Lumen.Infrastructure.Config;
using Lumen.Infrastructure.Persistence;
using Lumen.Tests.Infrastructure.Databases;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Lumen.Tests.Infrastructure.Audit;

/// <summary>§17: an entry never exists without its change, nor a change without its entry: one transaction.</summary>
[Collection("postgres")]
public sealed class AuditAtomicityTests(PostgresServer postgres)
{
    public static TheoryData<DatabaseProviderKind, string> Actions()
    {
        var data = new TheoryData<DatabaseProviderKind, string>();
        foreach (var provider in new[] { DatabaseProviderKind.Sqlite, DatabaseProviderKind.PostgreSQL })
            foreach (var action in new[] { "create client", "deactivate", "add manager", "remove manager", "create key", "revoke key", "grant consent", "apply config" })
                data.Add(provider, action);
        return data;
    }

    [Theory, MemberData(nameof(Actions))]
    public async Task A_commit_that_fails_after_the_change_was_written_leaves_neither_change_nor_entry(DatabaseProviderKind provider, string action)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        var failing = new FailingCommit();
        await using var portal = new TestPortal(db, interceptor: failing);
        (await portal.Clients.CreateAsync(Actor.Cli, "alpha")).Unwrap();
        (await portal.Managers.AddAsync(Actor.Cli, "alpha", "gone@example.org")).Unwrap();
        var key = (await portal.Keys.CreateAsync(Actor.Cli, "alpha", null)).Unwrap();
        var state = await StateAsync(portal);
        var lowered = ConfigLoader.Parse(TestPortal.Yaml.Replace("max: 100.0", "max: 40.0", StringComparison.Ordinal)).Config!;

        failing.Armed = true;
        var act = action switch
        {
            "create client" => () => portal.Clients.CreateAsync(Actor.Cli, "beta"),
            "deactivate" => () => portal.Clients.SetActiveAsync(Actor.Cli, "alpha", false),
            "add manager" => () => portal.Managers.AddAsync(Actor.Cli, "alpha", "new@example.org"),
            "remove manager" => () => portal.Managers.RemoveAsync(Actor.Cli, "alpha", "gone@example.org"),
            "create key" => () => portal.Keys.CreateAsync(Actor.Cli, "alpha", null),
            "revoke key" => () => portal.Keys.RevokeAsync(Actor.Cli, "alpha", key.Key.PublicId),
            "grant consent" => () => portal.Consents.GrantAsync(Actor.Cli, "alpha", "gray-model"),
            _ => (Func<Task>)(() => portal.Sync.ApplyAsync(lowered)),
        };
        await act.Should().ThrowAsync<InvalidOperationException>().WithMessage("*commit refused*");
        failing.Fired.Should().BeTrue("the change's statements ran and the commit was refused");
        failing.Armed = false;

        (await StateAsync(portal)).Should().Be(state, "the change was rolled back, and its entry with it");
    }

    /// <summary>Everything the actions above change, and the number of audit entries and links.</summary>
    private static async Task<string> StateAsync(TestPortal portal)
    {
        await using var ctx = await portal.Contexts.CreateDbContextAsync();
        var clients = await ctx.Clients.AsNoTracking().OrderBy(c => c.Id).Select(c => $"{c.Name}:{c.IsActive}:{c.ManagerCount}").ToListAsync();
        var pools = await ctx.CoinPools.AsNoTracking().OrderBy(p => p.ClientId).Select(p => p.MaxMicros).ToListAsync();
        var managers = await ctx.Managers.CountAsync();
        var keys = await ctx.ApiKeys.AsNoTracking().Select(k => k.RevokedAt == null).ToListAsync();
        var consents = await ctx.Consents.CountAsync();
        var entries = await ctx.AuditEntries.CountAsync();
        var links = await ctx.AuditClients.CountAsync();
        var version = await ctx.AuditConfig.Select(r => r.Version).SingleAsync();
        return $"{string.Join(",", clients)} | {string.Join(",", pools)} | {managers} | {string.Join(",", keys)} | {consents} | {entries} | {links} | {version}";
    }

    /// <summary>Refuses the next commit once armed (the change's statements have run by then).</summary>
    private sealed class FailingCommit : DbTransactionInterceptor
    {
        public volatile bool Armed;
        public bool Fired { get; private set; }

        public override ValueTask<InterceptionResult> TransactionCommittingAsync(
            DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
        {
            if (!Armed) return ValueTask.FromResult(result);
            Fired = true;
            throw new InvalidOperationException("commit refused by the test");
        }
    }
}

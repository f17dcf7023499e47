using Lumen.Infrastructure.Changes;
using Lumen.Infrastructure.Clients;
using Lumen.Infrastructure.Config;
using Lumen.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Lumen.Tests.Portal;

/// <summary>
/// The change feed for component tests that have no database: it delivers as in the portal, and its journal writes
/// fail (and are logged) as they would with the database down.
/// </summary>
public static class FeedWithoutDatabase
{
    public static ChangeFeed AddFeedWithoutDatabase(this IServiceCollection services, ConfigState state)
    {
        var feed = new ChangeFeed(new LumenDatabase(new NoDatabase()), new ClientAccess(state));
        services.AddSingleton(feed);
        services.TryAddSingleton(TimeProvider.System);
        return feed;
    }

    /// <summary>What the config watcher does with a load: put it in force, then announce it on the feed.</summary>
    public static Task ApplyAsync(this ChangeFeed feed, ConfigState state, ConfigLoadResult result)
    {
        state.Apply(result);
        return feed.PublishAsync(Change.ConfigLoaded(result.IsValid ? "config file applied" : "config file rejected"));
    }

    private sealed class NoDatabase : IDbContextFactory<LumenDbContext>
    {
        public LumenDbContext CreateDbContext() => throw new InvalidOperationException("This test has no database.");
    }
}

using Lumen.Domain.Budget;
using Lumen.Domain.Config;
using Lumen.Infrastructure.UseCases;
using Lumen.Infrastructure.Config;
using Lumen.Infrastructure.Changes;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Tests.Infrastructure.Config;

/// <summary>
/// The watcher of §11 end to end: real files saved the ways editors save them, a real SQLite database, the real
/// hosted service. Every assertion waits for the watcher's own report of a reload, never for a fixed time.
/// </summary>
public sealed class ConfigWatcherTests
{
    [Fact]
    public async Task At_start_the_log_names_the_watched_file_and_counts_in_proper_words()
    {
        await using var watched = await WatchedConfig.StartAsync(WatchedYaml.With("  default: {max: 1}\n  waiting-bot: {max: 2}"));
        await watched.CreateClientAsync("bot");
        var mark = watched.Mark;
        await watched.SaveAsync(WatchedYaml.With("  default: {max: 3}\n  waiting-bot: {max: 2}\n  other-bot: {max: 2}"));
        await watched.ReloadAfterAsync(mark);

        var lines = watched.Logs.GetSnapshot().Select(r => r.Message).ToList();
        lines.Should().StartWith($"Config file {watched.Path} loaded; watching it for changes");
        lines.Should().Contain("Config applied: 0 clients changed, 1 named entry skipped (no such client yet)");
        lines.Should().Contain("Config applied: 1 client changed, 2 named entries skipped (no such client yet)");
    }

    [Fact]
    public async Task A_save_is_announced_after_its_clients_are_written_and_once_it_is_in_force()
    {
        await using var watched = await WatchedConfig.StartAsync(WatchedYaml.Default(max: 100));
        await watched.CreateClientAsync("bot");
        var heard = new List<(Change Change, ConfigLoadResult Latest)>();
        using var listening = watched.Feed.Subscribe(ChangeViewer.Portal, null, changes =>
        {
            lock (heard) heard.AddRange(changes.Select(c => (c, watched.State.Latest)));
        });

        var mark = watched.Mark;
        await watched.SaveAsync(WatchedYaml.Default(max: 50));
        var reload = await watched.ReloadAfterAsync(mark);

        lock (heard)
        {
            heard.Select(h => h.Change.Kind).Should().Equal(ChangeKind.SettingsApplied, ChangeKind.ConfigLoaded);
            heard.Should().OnlyContain(h => ReferenceEquals(h.Latest, reload.Result), "views refresh with the new file in force");
            heard[1].Change.Summary.Should().Be("config file applied");
        }
    }

    [Fact]
    public async Task Saving_in_place_applies_the_new_max_and_publishes_the_change_with_before_and_after()
    {
        await using var watched = await WatchedConfig.StartAsync(WatchedYaml.Default(max: 100));
        var bot = await watched.CreateClientAsync("bot");

        var mark = watched.Mark;
        await watched.SaveAsync(WatchedYaml.Default(max: 50));
        var reload = await watched.ReloadAfterAsync(mark);

        reload.Sync.Should().NotBeNull();
        reload.Sync!.Changes.Should().ContainSingle(c => c.Client == "bot");
        (await watched.PoolAsync(bot)).Budget.Max.Should().Be((Coins)50m);
        var change = watched.ChangesFor("bot").Should().ContainSingle(c => c.Kind == ChangeKind.SettingsApplied).Subject;
        change.Before!.Budget.Max.Should().Be((Coins)100m);
        change.After!.Budget.Max.Should().Be((Coins)50m);
        change.Summary.Should().Contain("max 100 → 50");
    }

    [Fact]
    public async Task Saving_by_renaming_a_temporary_file_over_the_config_applies_it()
    {
        await using var watched = await WatchedConfig.StartAsync(WatchedYaml.Default(max: 100));
        var bot = await watched.CreateClientAsync("bot");

        var mark = watched.Mark;
        await watched.SaveByRenameAsync(WatchedYaml.Default(max: 70));
        var reload = await watched.ReloadAfterAsync(mark);

        reload.Sync.Should().NotBeNull();
        (await watched.PoolAsync(bot)).Budget.Max.Should().Be((Coins)70m);
        watched.State.InForce!.Clients.Default!.Max.Should().Be(70m);
        File.Exists(watched.Path + ".tmp").Should().BeFalse();
    }

    [Fact]
    public async Task A_burst_of_twenty_quick_saves_is_applied_once_with_the_last_content()
    {
        // Only file events may wake the watcher here: a periodic check that happened to read the file just as the
        // first save landed would rightly apply that save, which is not what this test is about. The saves come 10 to
        // 20 ms apart; a settle time far above that keeps them one burst on a loaded machine too (with 300 ms, a loaded run once
        // saw a gap long enough to apply twice).
        var eventsOnly = new ConfigWatcherOptions(TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(10));
        await using var watched = await WatchedConfig.StartAsync(WatchedYaml.Default(max: 100), eventsOnly);
        var bot = await watched.CreateClientAsync("bot");

        var mark = watched.Mark;
        for (var i = 1; i <= 20; i++)
        {
            await watched.SaveAsync(WatchedYaml.Default(max: 200 + i));
            await Task.Delay(10 + i % 2 * 10);
        }
        await watched.ReloadAfterAsync(mark, r => r.Result.Config?.Clients.Default?.Max == 220m);

        watched.ReloadsSince(mark).Where(r => r.Sync is not null).Should().ContainSingle(
            "writes that follow each other within the settle time are one save");
        (await watched.PoolAsync(bot)).Budget.Max.Should().Be((Coins)220m);
        watched.ChangesFor("bot").Where(c => c.Kind == ChangeKind.SettingsApplied).Should().ContainSingle();
    }

    [Fact]
    public async Task A_save_with_an_unknown_key_changes_nothing_and_reports_where_the_typo_is_until_a_good_save()
    {
        await using var watched = await WatchedConfig.StartAsync(WatchedYaml.Default(max: 100));
        var bot = await watched.CreateClientAsync("bot");
        var goodConfig = watched.State.InForce;

        var mark = watched.Mark;
        await watched.SaveAsync(WatchedYaml.Default(max: 5, refreshKey: "refesh"));
        var rejected = await watched.ReloadAfterAsync(mark);

        rejected.Sync.Should().BeNull("nothing of a rejected file is applied");
        (await watched.PoolAsync(bot)).Budget.Max.Should().Be((Coins)100m);
        watched.State.InForce.Should().BeSameAs(goodConfig);
        var error = watched.State.Latest.Errors.Should().ContainSingle().Subject;
        error.Message.Should().Contain("'refesh'").And.Contain("did you mean 'refresh'");
        (error.Line, error.Column).Should().Be((WatchedYaml.ClientsLine + 3, 5));
        watched.ChangesFor("bot").Should().NotContain(c => c.Kind == ChangeKind.SettingsApplied);

        mark = watched.Mark;
        await watched.SaveAsync(WatchedYaml.Default(max: 5));
        var fixedReload = await watched.ReloadAfterAsync(mark);

        fixedReload.Sync.Should().NotBeNull();
        (await watched.PoolAsync(bot)).Budget.Max.Should().Be((Coins)5m);
        watched.State.Latest.Errors.Should().BeEmpty();
        watched.State.InForce!.Clients.Default!.Max.Should().Be(5m);
    }

    [Fact]
    public async Task A_named_entry_without_its_client_is_skipped_silently_and_applies_when_the_client_is_created()
    {
        await using var watched = await WatchedConfig.StartAsync(WatchedYaml.Default(max: 100));
        await watched.CreateClientAsync("bot");

        var mark = watched.Mark;
        await watched.SaveAsync(WatchedYaml.With("""
              default:
                max: 100
                starting: 100
              late-bot:
                max: 500
                starting: 42
                model_access:
                  default: whitelist
            """));
        var reload = await watched.ReloadAfterAsync(mark);

        reload.Sync.Should().NotBeNull("a pending entry is not an error");
        reload.Sync!.SkippedEntries.Should().Equal("late-bot");
        reload.Result.Errors.Should().BeEmpty();
        watched.ChangesFor("late-bot").Should().BeEmpty();
        await using (var db = await watched.Contexts.CreateDbContextAsync())
            (await db.Clients.AnyAsync(c => c.Name == "late-bot")).Should().BeFalse("YAML never creates a client");
        (await watched.Sync.PendingEntriesAsync(watched.State.InForce!)).Should().Equal("late-bot");

        var late = await watched.CreateClientAsync("late-bot");

        var pool = await watched.PoolAsync(late);
        pool.Balance.Should().Be((Coins)42m);
        pool.Budget.Max.Should().Be((Coins)500m);
        late.SettingsSource.Should().Be(nameof(EntrySource.NamedEntry));
        (await watched.Sync.PendingEntriesAsync(watched.State.InForce!)).Should().BeEmpty();
    }

    [Fact]
    public async Task Changing_max_keeps_the_balance_clamped_to_the_new_cap_and_a_changed_starting_leaves_it_alone()
    {
        await using var watched = await WatchedConfig.StartAsync(WatchedYaml.Default(max: 500, starting: 300));
        var bot = await watched.CreateClientAsync("bot");
        (await watched.PoolAsync(bot)).Balance.Should().Be((Coins)300m);

        await SaveAndApply(max: 50, starting: 300);
        var lowered = await watched.PoolAsync(bot);
        lowered.Budget.Max.Should().Be((Coins)50m);
        lowered.Balance.Should().Be((Coins)50m, "lowering max clamps the balance to the new cap");

        await SaveAndApply(max: 50, starting: 10);
        var restarted = await watched.PoolAsync(bot);
        restarted.Budget.Starting.Should().Be((Coins)10m);
        restarted.Balance.Should().Be((Coins)50m, "a changed starting never touches an existing pool");

        await SaveAndApply(max: 1000, starting: 10);
        var raised = await watched.PoolAsync(bot);
        raised.Budget.Max.Should().Be((Coins)1000m);
        raised.Balance.Should().Be((Coins)50m, "raising max keeps the balance");

        await SaveAndApply(max: -2, starting: 10);
        var unlimited = await watched.PoolAsync(bot);
        unlimited.Budget.Kind.Should().Be(BudgetKind.Unlimited);
        unlimited.Balance.Should().Be((Coins)50m, "going unlimited keeps the balance");
        unlimited.Admits.Should().BeTrue();

        async Task SaveAndApply(int max, int starting)
        {
            var mark = watched.Mark;
            await watched.SaveAsync(WatchedYaml.Default(max, starting));
            var reload = await watched.ReloadAfterAsync(mark);
            reload.Sync.Should().NotBeNull();
            reload.Sync!.Changes.Should().ContainSingle(c => c.Client == "bot");
        }
    }

    [Fact]
    public async Task Reload_requests_that_overlap_apply_a_save_once()
    {
        await using var watched = await WatchedConfig.StartAsync(WatchedYaml.Default(max: 100));
        await watched.CreateClientAsync("bot");

        var mark = watched.Mark;
        await watched.SaveAsync(WatchedYaml.Default(max: 30));
        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => watched.Watcher.ReloadAsync()));

        watched.ReloadsSince(mark).Where(r => r.Sync is not null).Should().ContainSingle(
            "one save is one apply, however many asked for a reload at once");
        watched.ChangesFor("bot").Where(c => c.Kind == ChangeKind.SettingsApplied).Should().ContainSingle();
    }

    [Fact]
    public async Task A_client_created_while_a_reload_is_applied_ends_with_the_new_config()
    {
        using var clock = new HoldingClock();
        await using var watched = await WatchedConfig.StartAsync(WatchedYaml.Default(max: 100), clock: clock);

        // The create reads the config in force (max 100), then stops just before its insert...
        var creating = Task.Run(() =>
        {
            clock.HoldHere();
            return watched.Clients.CreateAsync(Actor.Cli, "bot");
        });
        await clock.Reached;
        // ...while a save is applied to every client that exists, which is not yet this one.
        var mark = watched.Mark;
        await watched.SaveAsync(WatchedYaml.Default(max: 20));
        await watched.ReloadAfterAsync(mark);
        clock.Release();
        var bot = (await creating).Unwrap();

        (await watched.PoolAsync(bot)).Budget.Max.Should().Be((Coins)20m, "the config in force when the create ends wins");
    }

    [Fact]
    public async Task A_client_created_while_the_watcher_runs_gets_the_config_in_force()
    {
        await using var watched = await WatchedConfig.StartAsync(WatchedYaml.Default(max: 100, starting: 80));

        var mark = watched.Mark;
        await watched.SaveAsync(WatchedYaml.Default(max: 60, starting: 80));
        await watched.ReloadAfterAsync(mark);
        var bot = (await watched.Clients.CreateAsync(Actor.Cli, "bot")).Unwrap();

        var pool = await watched.PoolAsync(bot);
        pool.Budget.Max.Should().Be((Coins)60m);
        pool.Balance.Should().Be((Coins)60m, "starting is clamped to max when the pool is created");
    }
}

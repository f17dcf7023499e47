using Lumen.Domain.Budget;
using Lumen.Infrastructure.Config;

namespace Lumen.Tests.Infrastructure.Config;

/// <summary>§19: the config file is refused above 4 MiB, by the loader and the watcher, before it is parsed.</summary>
public sealed class ConfigSizeTests
{
    /// <summary>A valid config padded with a YAML comment to <paramref name="bytes"/> bytes.</summary>
    private static string Padded(string yaml, long bytes) => yaml + "\n#" + new string('x', (int)(bytes - yaml.Length - 2));

    [Fact]
    public void The_loader_refuses_a_file_over_4_MiB_and_reads_one_of_exactly_4_MiB()
    {
        var folder = Directory.CreateTempSubdirectory("lumen-size-").FullName;
        try
        {
            var over = Path.Combine(folder, "over.yaml");
            var limit = Path.Combine(folder, "limit.yaml");
            File.WriteAllText(over, Padded(WatchedYaml.Default(max: 100), ConfigFileText.MaxBytes + 1));
            File.WriteAllText(limit, Padded(WatchedYaml.Default(max: 100), ConfigFileText.MaxBytes));

            var refused = ConfigLoader.LoadFile(over);
            var read = ConfigLoader.LoadFile(limit);

            refused.IsValid.Should().BeFalse();
            refused.Errors.Should().ContainSingle().Which.Message.Should().Contain("may be at most 4 MiB").And.Contain("4194305 bytes");
            read.IsValid.Should().BeTrue();
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task The_watcher_refuses_a_save_over_4_MiB_and_keeps_the_last_good_config()
    {
        await using var watched = await WatchedConfig.StartAsync(WatchedYaml.Default(max: 100));
        var bot = await watched.CreateClientAsync("bot");
        var good = watched.State.InForce;

        var mark = watched.Mark;
        await watched.SaveAsync(Padded(WatchedYaml.Default(max: 5), 20L << 20));
        // Writing 20 MiB takes a while: the watcher may first read the file half written (a clean run once saw 11.8 MiB),
        // which is refused too. Wait for the read of the whole file; nothing read on the way may apply.
        var refused = await watched.ReloadAfterAsync(mark, r => r.Result.Errors.Any(e => e.Message.Contains("20.0 MiB", StringComparison.Ordinal)));

        watched.ReloadsSince(mark).Should().OnlyContain(r => r.Sync == null);
        refused.Result.Errors.Should().ContainSingle().Which.Message.Should().Contain("20.0 MiB").And.Contain("may be at most 4 MiB");
        watched.State.InForce.Should().BeSameAs(good);
        (await watched.PoolAsync(bot)).Budget.Max.Should().Be((Coins)100m);
    }
}

using Lumen.Infrastructure.Config;
using Lumen.Portal.Config;

namespace Lumen.Tests.Portal;

public sealed class ConfigStateTests
{
    [Fact]
    public void Valid_result_is_put_in_force()
    {
        var valid = SampleConfig.Valid();
        var state = new ConfigState("/c.yaml", valid);

        state.Latest.Should().BeSameAs(valid);
        state.InForce.Should().BeSameAs(valid.Config);
    }

    [Fact]
    public void Rejected_result_keeps_the_last_good_config_in_force()
    {
        var good = SampleConfig.Valid();
        var state = new ConfigState("/c.yaml", good);
        var rejected = SampleConfig.Rejected(new ConfigIssue(4, 2, "bad"));

        state.Apply(rejected);

        state.Latest.Should().BeSameAs(rejected);
        state.InForce.Should().BeSameAs(good.Config);
    }

    [Fact]
    public void Rejected_first_load_leaves_nothing_in_force()
    {
        var state = new ConfigState("/c.yaml", SampleConfig.Rejected(new ConfigIssue(0, 0, "empty")));

        state.InForce.Should().BeNull();
    }

    [Fact]
    public void Load_of_a_missing_file_is_an_error_naming_the_path()
    {
        var path = Path.Combine(Path.GetTempPath(), $"lumen-missing-{Guid.NewGuid():N}", "config.yaml");

        var state = ConfigState.Load(path);

        state.Path.Should().Be(path);
        state.Latest.Errors.Should().ContainSingle().Which.Message.Should().Contain(path);
    }
}

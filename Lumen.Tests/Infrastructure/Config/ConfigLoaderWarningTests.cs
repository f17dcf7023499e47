using Lumen.Domain.Access;
using Lumen.Domain.Clients;
using Lumen.Infrastructure.Config;

namespace Lumen.Tests.Infrastructure.Config;

public class ConfigLoaderWarningTests
{
    [Fact]
    public void Model_in_two_lists_is_a_warning_naming_the_lists_and_the_winner()
    {
        var result = ConfigText.Valid("""
            models: [{name: m}]
            clients:
              bot:
                model_access:
                  whitelist: [m]
                  blacklist: [m]
            """);

        result.Warnings.Should().ContainSingle().Which.Should().Be(new ConfigIssue(6, 19,
            "Model 'm' is in blacklist and whitelist of model_access of client 'bot'; the most restrictive, blacklist, wins."));
        result.Config!.Clients.Resolve(ClientName.Create("bot")).Access
            .Decide("m", result.Config.Models, hasConsent: true).Status.Should().Be(AccessStatus.Denied);
    }

    [Fact]
    public void Model_in_all_three_lists_is_one_warning_where_it_last_appears()
    {
        var result = ConfigText.Valid("""
            models: [{name: m}]
            clients:
              default:
                model_access: {graylist: [m], whitelist: [m], blacklist: [m]}
            """);

        var warning = result.Warnings.Should().ContainSingle().Subject;
        warning.Message.Should().Contain("is in blacklist and graylist and whitelist").And.Contain("blacklist, wins");
        (warning.Line, warning.Column).Should().Be((4, 63));
    }

    [Theory]
    [InlineData("100", "150", true)]
    [InlineData("100", "100", false)]
    [InlineData("100", "99.5", false)]
    [InlineData("-2", "500", false)]
    [InlineData("0", "500", false)]
    public void Starting_above_a_positive_max_is_a_warning_at_starting(string max, string starting, bool warned)
    {
        var result = ConfigText.Valid($"clients:\n  default:\n    max: {max}\n    starting: {starting}\n");

        if (warned)
        {
            result.Warnings.Should().ContainSingle().Which.Should().Be(new ConfigIssue(4, 15,
                $"starting ({starting}) of clients.default is above max ({max}); a new pool starts at {max}."));
        }
        else
        {
            result.Warnings.Should().BeEmpty();
        }
    }

    [Fact]
    public void Listed_model_missing_from_models_is_a_warning_at_the_list_item()
    {
        var result = ConfigText.Valid("""
            models:
              - name: dummy
            clients:
              bot:
                model_access:
                  graylist:
                    - dummy
                    - llama3
            """);

        result.Warnings.Should().ContainSingle().Which.Should().Be(new ConfigIssue(8, 11,
            "Model 'llama3' in graylist of client 'bot' is not defined in models; the entry has no effect until the model is added."));
    }

    [Fact]
    public void Inactive_model_counts_as_defined()
    {
        var result = ConfigText.Valid("models: [{name: old, active: false}]\nclients: {default: {model_access: {whitelist: [old]}}}\n");

        result.Warnings.Should().BeEmpty();
    }

    [Theory]
    [InlineData("clients: {}\n", 1, 10)]
    [InlineData("clients:\n  {}\n", 2, 3)]
    public void Empty_clients_mapping_is_valid_but_warns_that_every_client_is_blocked(string yaml, int line, int column)
    {
        var result = ConfigText.Valid(yaml);

        result.Warnings.Should().ContainSingle().Which.Should().Be(new ConfigIssue(line, column,
            "clients is empty: every client is blocked and denied every model."));
        result.Config!.Clients.Resolve(ClientName.Create("anyone")).Budget.Kind.Should().Be(Lumen.Domain.Budget.BudgetKind.Blocked);
    }

    [Fact]
    public void Warnings_come_in_file_order()
    {
        var result = ConfigText.Valid("""
            clients:
              b:
                max: 1
                starting: 2
              a:
                model_access: {whitelist: [x]}
            """);

        result.Warnings.Select(w => w.Line).Should().Equal(4, 6);
    }
}

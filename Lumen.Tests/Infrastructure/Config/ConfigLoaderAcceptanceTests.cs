using Lumen.Domain.Access;
using Lumen.Domain.Clients;
using Lumen.Domain.Config;
using Lumen.Infrastructure.Config;

namespace Lumen.Tests.Infrastructure.Config;

public class ConfigLoaderAcceptanceTests
{
    // The two examples of the seed page "Configuring Clients", verbatim.
    private const string SeedGlobalDefaults = """
        clients:
          default:
            max: 100.0            # coin budget (-2 = unlimited, 0 = blocked)
            refresh: 0.05         # coins added per hour
            starting: 100.0       # coins when pool is first created
            model_access:
              default: blacklist   # deny everything not explicitly listed
              blacklist: []        # always-deny list
              whitelist: [dummy]   # always-allow list
        """;

    private const string SeedPerClientOverrides = """
        clients:
          default:
            max: 100.0
            refresh: 0.05
            starting: 100.0
            model_access:
              default: blacklist

          research-bot:
            max: 500.0
            refresh: 1.0
            starting: 500.0
            model_access:
              default: whitelist
              whitelist: [gpt-4o, llama3, qwen3.5-9b-q5]
        """;

    private const string SeedModels = """
        models:
          - name: dummy
          - name: gpt-4o
          - name: llama3
          - name: qwen3.5-9b-q5

        """;

    [Theory]
    [InlineData("keys: {max_days: 365}\nclients: {}\n", 365)]
    [InlineData("keys:\n  max_days: 30\nclients: {}\n", 30)]
    [InlineData("keys: {}\nclients: {}\n", null)]
    [InlineData("keys:\nclients: {}\n", null)]
    [InlineData("clients: {}\n", null)]
    public void The_keys_section_sets_the_lifetime_ceiling_or_none(string yaml, int? maxDays)
    {
        var loaded = ConfigLoader.Parse(yaml);

        loaded.IsValid.Should().BeTrue(string.Join("; ", loaded.Errors));
        loaded.Config!.Keys.MaxDays.Should().Be(maxDays);
    }

    [Fact]
    public void Seed_global_defaults_example_loads_with_the_settings_it_writes()
    {
        var config = ConfigText.Valid(SeedModels + SeedGlobalDefaults).Config!;

        var settings = config.Clients.Resolve(ClientName.Create("any-tool"));
        settings.Source.Should().Be(EntrySource.DefaultEntry);
        settings.Budget.Max.Value.Should().Be(100m);
        settings.Budget.RefreshPerHour.Value.Should().Be(0.05m);
        settings.Budget.Starting.Value.Should().Be(100m);
        settings.Access.Default.Should().Be(AccessMode.Blacklist);
        settings.Access.Whitelist.Should().BeEquivalentTo("dummy");
        settings.Access.Blacklist.Should().BeEmpty();
    }

    [Fact]
    public void Seed_per_client_overrides_example_loads_and_the_named_entry_replaces_default()
    {
        var result = ConfigText.Valid(SeedModels + SeedPerClientOverrides);

        result.Warnings.Should().BeEmpty();
        var bot = result.Config!.Clients.Resolve(ClientName.Create("research-bot"));
        bot.Source.Should().Be(EntrySource.NamedEntry);
        bot.Budget.Max.Value.Should().Be(500m);
        bot.Budget.RefreshPerHour.Value.Should().Be(1m);
        bot.Access.Default.Should().Be(AccessMode.Whitelist);
        bot.Access.Whitelist.Should().BeEquivalentTo("gpt-4o", "llama3", "qwen3.5-9b-q5");
    }

    [Theory]
    [InlineData(SeedGlobalDefaults, new[] { "dummy" })]
    [InlineData(SeedPerClientOverrides, new[] { "gpt-4o", "llama3", "qwen3.5-9b-q5" })]
    public void Seed_examples_alone_load_with_a_warning_per_undefined_model(string yaml, string[] undefined)
    {
        var result = ConfigText.Valid(yaml);

        result.Warnings.Should().HaveCount(undefined.Length);
        foreach (var model in undefined)
            result.Warnings.Should().ContainSingle(w => w.Message.Contains($"'{model}'", StringComparison.Ordinal)
                && w.Message.Contains("not defined in models", StringComparison.Ordinal));
    }

    [Fact]
    public void Shipped_config_loads_without_errors_or_warnings()
    {
        var path = Path.Combine(ConfigText.SolutionDirectory(), "config", "config.yaml");

        var result = ConfigLoader.LoadFile(path);

        result.Errors.Should().BeEmpty();
        result.Warnings.Should().BeEmpty();
        result.Config!.IsAdmin("Admin@Example.org").Should().BeTrue();
        result.Config.Models.FindActive("dummy").Should().NotBeNull();
        result.Config.Clients.Default.Should().NotBeNull();
    }

    [Fact]
    public void Spec_example_loads_with_models_endpoints_and_admins()
    {
        var config = ConfigText.Valid("""
            admins: [admin@example.org]
            models:
              - name: dummy
                input_cost_per_million: 0.0
                output_cost_per_million: 0.0
              - name: llama3
                input_cost_per_million: 0.5
                output_cost_per_million: 1.5
                endpoints:
                  - url: http://127.0.0.1:11434/v1
                    model: llama3:8b
                    api_key_env: OLLAMA_KEY
            clients:
              default:
                max: 100.0
                model_access: {default: blacklist, whitelist: [dummy]}
            """).Config!;

        var llama = config.Models.FindActive("llama3")!;
        llama.Price.InputPerMillion.Value.Should().Be(0.5m);
        llama.Price.OutputPerMillion.Value.Should().Be(1.5m);
        llama.Endpoints.Should().ContainSingle().Which.Should().Be(
            new Lumen.Domain.Models.ModelEndpoint("http://127.0.0.1:11434/v1", "llama3:8b", "OLLAMA_KEY", null));
        config.Models.FindActive("dummy")!.IsBuiltInDummy.Should().BeTrue();
        config.Admins.Should().BeEquivalentTo("admin@example.org");
    }

    [Fact]
    public void Full_lumen_config_with_other_sections_and_extra_model_keys_loads()
    {
        var result = ConfigText.Valid("""
            app:
              name: Lumen
              secret_key: abc
            oauth2:
              client_id: x
              providers: [{name: cilogon}]
            groups:
              staff: {members: [a@b.c], budget: 5}
            models:
              - name: gpt-4o
                description: OpenAI's model
                active: false
                notes: {anything: [goes]}
                endpoints:
                  - url: https://api.openai.com/v1
                    api_key: sk-inline-key
                    timeout: 30
            clients:
              default: {}
            """);

        var model = result.Config!.Models.All.Should().ContainSingle().Subject;
        model.Active.Should().BeFalse();
        model.Endpoints.Should().ContainSingle().Which.Should().Be(
            new Lumen.Domain.Models.ModelEndpoint("https://api.openai.com/v1", "gpt-4o", null, "sk-inline-key"));
        result.Warnings.Should().BeEmpty();
    }

    [Fact]
    public void Model_defaults_are_free_active_and_without_endpoints()
    {
        var model = ConfigText.Valid("models: [{name: m}]\nclients: {default: }").Config!.Models.All.Single();

        model.Price.InputPerMillion.Value.Should().Be(0m);
        model.Price.OutputPerMillion.Value.Should().Be(0m);
        model.Active.Should().BeTrue();
        model.Endpoints.Should().BeEmpty();
    }

    [Fact]
    public void Anchors_aliases_and_merge_keys_are_resolved()
    {
        var config = ConfigText.Valid("""
            models: [{name: dummy}, {name: llama3}]
            clients:
              default: &base
                max: 10
                refresh: 1
                model_access: &access {default: blacklist, whitelist: [dummy]}
              bot-a: *base
              bot-b:
                <<: *base
                max: 20
              bot-c:
                max: 5
                model_access: *access
            """).Config!;

        Settings(config, "bot-a").Budget.Max.Value.Should().Be(10m);
        Settings(config, "bot-a").Access.Whitelist.Should().BeEquivalentTo("dummy");
        Settings(config, "bot-b").Budget.Max.Value.Should().Be(20m);
        Settings(config, "bot-b").Budget.RefreshPerHour.Value.Should().Be(1m);
        Settings(config, "bot-b").Access.Whitelist.Should().BeEquivalentTo("dummy");
        Settings(config, "bot-c").Budget.RefreshPerHour.Value.Should().Be(0m);
        Settings(config, "bot-c").Access.Whitelist.Should().BeEquivalentTo("dummy");
    }

    [Theory]
    [InlineData("100", 100)]
    [InlineData("100.0", 100)]
    [InlineData("0.05", 0.05)]
    [InlineData("-2", -2)]
    [InlineData("0", 0)]
    [InlineData("1e3", 1000)]
    public void Max_accepts_plain_integers_and_decimals(string written, double expected)
    {
        var entry = ConfigText.Valid($"clients:\n  default:\n    max: {written}\n").Config!.Clients.Default!;

        entry.Max.Should().Be((decimal)expected);
    }

    [Fact]
    public void Null_admins_models_and_lists_are_empty()
    {
        var config = ConfigText.Valid("""
            admins:
            models:
            clients:
              default:
                model_access:
                  default: whitelist
                  blacklist:
                  whitelist: ~
            """).Config!;

        config.Admins.Should().BeEmpty();
        config.Models.All.Should().BeEmpty();
        config.Clients.Default!.ModelAccess!.ToRule().Should().Be(new ModelAccessRule(AccessMode.Whitelist));
    }

    private static ClientSettings Settings(LumenConfig config, string client) => config.Clients.Resolve(ClientName.Create(client));
}

using Lumen.Infrastructure.Config;

namespace Lumen.Tests.Infrastructure.Config;

public class ConfigLoaderRejectionTests
{
    /// <summary>One rejected file: its single error's line, column and a telling part of the message.</summary>
    public static TheoryData<string, string, int, int, string> SingleErrors => new()
    {
        // Inside clients (§2.2).
        { "unknown key with suggestion", "clients:\n  bot:\n    max: 1\n    refesh: 2\n", 4, 5, "Unknown key 'refesh' in client 'bot'; did you mean 'refresh'?" },
        { "unknown key without close match", "clients:\n  default:\n    budget: 2\n", 3, 5, "Unknown key 'budget' in clients.default. Allowed keys: max, refresh, starting, model_access." },
        { "list key outside model_access", "clients:\n  bot:\n    whitelist: [dummy]\n", 3, 5, "'whitelist' belongs under 'model_access'" },
        { "max quoted", "clients:\n  bot:\n    max: \"100\"\n", 3, 10, "max of client 'bot' must be a number, found the quoted text \"100\" (remove the quotes)" },
        { "max bool", "clients:\n  bot:\n    max: true\n", 3, 10, "max of client 'bot' must be a number, found 'true'" },
        { "max list", "clients:\n  bot:\n    max: [1]\n", 3, 10, "must be a number, found a list" },
        { "max empty", "clients:\n  bot:\n    max:\n  other: {}\n", 3, 9, "must be a number, found no value" },
        { "max -1", "clients:\n  bot:\n    max: -1\n", 3, 10, "max of client 'bot' must be -2 (unlimited), 0 (blocked) or a positive number of coins, found -1" },
        { "max -2.5", "clients:\n  bot:\n    max: -2.5\n", 3, 10, "found -2.5" },
        { "refresh negative", "clients:\n  bot:\n    refresh: -0.5\n", 3, 14, "refresh of client 'bot' must not be negative, found -0.5" },
        { "max too large", "clients:\n  bot:\n    max: 2000000000\n", 3, 10, "max of client 'bot' must be at most 1000000000, found 2000000000" },
        { "refresh too large", "clients:\n  bot:\n    refresh: 1000001\n", 3, 14, "refresh of client 'bot' must be at most 1000000, found 1000001" },
        { "starting negative", "clients:\n  default:\n    starting: -1\n", 3, 15, "starting of clients.default must not be negative" },
        { "starting text", "clients:\n  default:\n    starting: lots\n", 3, 15, "must be a number, found 'lots'" },
        { "unknown access mode", "clients:\n  bot:\n    model_access:\n      default: allowlist\n", 4, 16, "must be one of whitelist, blacklist, graylist; found 'allowlist'" },
        { "empty access mode", "clients:\n  bot:\n    model_access:\n      default:\n", 4, 15, "must be one of whitelist, blacklist, graylist; found no value" },
        { "unknown model_access key", "clients:\n  bot:\n    model_access:\n      whitelst: [a]\n", 4, 7, "Unknown key 'whitelst' in model_access of client 'bot'; did you mean 'whitelist'?" },
        { "model_access not a mapping", "clients:\n  bot:\n    model_access: whitelist\n", 3, 19, "model_access of client 'bot' must be a mapping" },
        { "access list not a list", "clients:\n  bot:\n    model_access:\n      whitelist: dummy\n", 4, 18, "whitelist of model_access of client 'bot' must be a list, found 'dummy'" },
        { "access list item not text", "clients:\n  bot:\n    model_access:\n      whitelist: [dummy, [x]]\n", 4, 26, "Items of whitelist of model_access of client 'bot' must be text, found a list" },
        { "entry a number", "clients:\n  bot: 5\n", 2, 8, "The entry of client 'bot' must be a mapping" },
        { "entry a list", "clients:\n  bot:\n    - max: 1\n", 3, 5, "must be a mapping (max, refresh, starting, model_access), found a list" },
        { "invalid client name", "clients:\n  Bad_Name: {}\n", 2, 3, "Invalid client name 'Bad_Name': A client name must start with a lower-case letter or a digit. A client name may only hold lower-case letters, digits, '-', '_' and '.'." },
        { "invalid character", "clients:\n  bot!: {}\n", 2, 3, "may only hold lower-case letters" },
        { "name too long", $"clients:\n  {new string('a', 65)}: {{}}\n", 2, 3, "at most 64 characters" },
        { "duplicate client name", "clients:\n  bot: {}\n  bot: {max: 1}\n", 3, 3, "Duplicate client name 'bot': it already has an entry on line 2." },
        { "duplicate default", "clients:\n  default: {}\n\n  default: {}\n", 4, 3, "Duplicate client name 'default'" },
        { "duplicate key in entry", "clients:\n  bot:\n    max: 1\n    max: 2\n", 4, 5, "Duplicate key 'max' in client 'bot': it is already set on line 3." },
        { "clients a list", "clients:\n  - bot\n", 2, 3, "clients must be a mapping of client names to entries, found a list" },
        { "clients null", "admins: [a@b.c]\nclients:\n", 2, 9, "clients has no value" },
        { "clients tilde", "clients: ~\n", 1, 10, "clients has no value" },
        // Anywhere: admins and models of the wrong shape.
        { "admins a scalar", "admins: admin@example.org\nclients: {}\n", 1, 9, "admins must be a list, found 'admin@example.org'" },
        { "admins item a mapping", "admins:\n  - {email: a@b.c}\nclients: {}\n", 2, 5, "Items of admins must be text, found a mapping" },
        // The keys section (§22).
        { "keys max_days zero", "keys: {max_days: 0}\nclients: {}\n", 1, 18, "keys.max_days must be a whole number of 1 or more, found 0" },
        { "keys max_days text", "keys:\n  max_days: year\nclients: {}\n", 2, 13, "keys.max_days must be a number, found 'year'" },
        { "keys max_days huge", "keys: {max_days: 40000}\nclients: {}\n", 1, 18, "keys.max_days must be at most 36500" },
        { "keys unknown key", "keys: {max_day: 30}\nclients: {}\n", 1, 8, "Unknown key 'max_day' in keys; did you mean 'max_days'?" },
        { "keys a list", "keys: [30]\nclients: {}\n", 1, 7, "keys must be a mapping such as {max_days: 365}, found a list" },
        { "models a mapping", "models: {name: x}\nclients: {}\n", 1, 9, "models must be a list of models" },
        { "model a scalar", "models: [dummy]\nclients: {}\n", 1, 10, "models item 1 must be a mapping with at least a name, found 'dummy'" },
        { "model without name", "models:\n  - name: a\n  - input_cost_per_million: 1\nclients: {}\n", 3, 5, "models item 2 has no name" },
        { "model name empty", "models:\n  - name:\nclients: {}\n", 2, 10, "name of models item 1 must be text, found no value" },
        { "model name a list", "models:\n  - name: [a]\nclients: {}\n", 2, 11, "name of models item 1 must be text, found a list" },
        { "negative cost", "models:\n  - name: m\n    output_cost_per_million: -1\nclients: {}\n", 3, 30, "output_cost_per_million of model 'm' must not be negative" },
        { "quoted cost", "models:\n  - name: m\n    input_cost_per_million: '1'\nclients: {}\n", 3, 29, "input_cost_per_million of model 'm' must be a number" },
        { "active not bool", "models:\n  - name: m\n    active: maybe\nclients: {}\n", 3, 13, "active of model 'm' must be true or false, found 'maybe'" },
        { "duplicate model", "models:\n  - name: m\n  - name: n\n  - name: m\nclients: {}\n", 4, 11, "Duplicate model name 'm': it is already defined on line 2." },
        { "endpoints a mapping", "models:\n  - name: m\n    endpoints: {url: x}\nclients: {}\n", 3, 16, "endpoints of model 'm' must be a list" },
        { "endpoint without url", "models:\n  - name: m\n    endpoints:\n      - model: x\nclients: {}\n", 4, 9, "endpoint 1 of model 'm' has no url" },
        { "endpoint api key a list", "models:\n  - name: m\n    endpoints:\n      - url: u\n        api_key: [k]\nclients: {}\n", 5, 18, "api_key of endpoint 1 of model 'm' must be text, found a list" },
        // The file as a whole.
        { "empty file", "", 1, 1, "The config file is empty" },
        { "only comments", "# nothing yet\n\n", 1, 1, "The config file is empty" },
        { "empty document", "---\n", 1, 1, "The config file is empty" },
        { "no clients section", "admins: [a@b.c]\nmodels: []\n", 1, 1, "The config has no clients section" },
        { "root a list", "- clients\n", 1, 1, "The config must be a mapping of sections" },
        { "root a scalar", "\n  clients\n", 2, 3, "The config must be a mapping of sections (admins, models, clients, …), found 'clients'" },
        { "clients twice", "clients: {}\nmodels: []\nclients:\n  bot: {}\n", 3, 1, "Duplicate key 'clients' in the top level: it is already set on line 1." },
        { "two documents", "clients: {}\n---\nclients: {}\n", 2, 1, "more than one YAML document" },
        { "unknown alias", "clients:\n  bot: *nope\n", 2, 8, "the alias *nope has no anchor &nope before it" },
        { "bad merge", "clients:\n  bot:\n    <<: 5\n", 3, 9, "a merge key '<<' needs a mapping" },
    };

    [Theory]
    [MemberData(nameof(SingleErrors))]
    public void Invalid_file_is_rejected_with_the_position_of_the_offending_node(string because, string yaml, int line, int column, string message)
    {
        var errors = ConfigText.Rejected(yaml);

        errors.Should().ContainSingle(because);
        errors[0].Line.Should().Be(line, because);
        errors[0].Column.Should().Be(column, because);
        errors[0].Message.Should().Contain(message, because);
    }

    [Fact]
    public void Unknown_key_in_client_entry_is_rejected_with_its_position()
    {
        var errors = ConfigText.Rejected("""
            clients:
              default:
                max: 100.0
              research-bot:
                max: 500.0
                refesh: 1.0
            """);

        errors.Should().ContainSingle().Which.Should().Be(new ConfigIssue(6, 5,
            "Unknown key 'refesh' in client 'research-bot'; did you mean 'refresh'? Allowed keys: max, refresh, starting, model_access."));
        errors[0].ToString().Should().StartWith("line 6, column 5: ");
    }

    [Theory]
    [InlineData("clients:\n  bot: {max: 1\n", 3, 1)]
    [InlineData("clients:\n  bot:\n    max: 1\n   refresh: 2\n", 4, 4)]
    [InlineData("clients:\n\tbot: {}\n", 2, 1)]
    [InlineData("clients:\n  bot:\n  \tmax: 1\n", 3, 3)]
    [InlineData("clients: [a, b\n", 2, 1)]
    public void Yaml_that_does_not_parse_is_rejected_with_the_parser_position(string yaml, int line, int column)
    {
        var errors = ConfigText.Rejected(yaml);

        errors.Should().ContainSingle().Which.Message.Should().StartWith("The file is not valid YAML: ");
        errors[0].Line.Should().Be(line);
        errors[0].Column.Should().Be(column);
        errors[0].Message.Should().NotContain("(Line:");
    }

    [Fact]
    public void Client_names_are_unique_case_insensitively()
    {
        var errors = ConfigText.Rejected("clients:\n  research-bot: {}\n  Research-Bot: {}\n");

        errors.Should().ContainSingle().Which.Should().Be(new ConfigIssue(3, 3,
            "Duplicate client name 'Research-Bot': it already has an entry as 'research-bot' (names are case-insensitive) on line 2."));
    }

    [Fact]
    public void Every_error_in_the_file_is_reported_at_once_in_file_order()
    {
        var errors = ConfigText.Rejected("""
            admins: admin@example.org
            models:
              - name: m
                input_cost_per_million: -1
            clients:
              default:
                max: -1
                refesh: 1
              Bad: {}
              bot:
                starting: "5"
                model_access:
                  default: open
                  whitelist: m
            """);

        errors.Select(e => (e.Line, e.Column)).Should().Equal(
            (1, 9), (4, 29), (7, 10), (8, 5), (9, 3), (11, 15), (13, 16), (14, 18));
    }

    [Fact]
    public void Errors_hide_warnings_and_nothing_is_applied()
    {
        var result = ConfigLoader.Parse("clients:\n  default:\n    max: 5\n    starting: 10\n  bot: {max: -3}\n");

        result.Config.Should().BeNull();
        result.IsValid.Should().BeFalse();
        result.Warnings.Should().BeEmpty();
        result.Errors.Should().ContainSingle().Which.Line.Should().Be(5);
    }

    [Fact]
    public void Missing_file_is_rejected_with_a_message_naming_it()
    {
        var path = Path.Combine(Path.GetTempPath(), $"lumen-missing-{Guid.NewGuid():N}.yaml");

        var result = ConfigLoader.LoadFile(path);

        result.IsValid.Should().BeFalse();
        result.Errors.Should().ContainSingle().Which.Message.Should().Contain(path);
    }
}

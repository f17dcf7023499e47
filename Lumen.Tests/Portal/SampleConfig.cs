using Lumen.Domain.Access;
using Lumen.Domain.Config;
using Lumen.Domain.Models;
using Lumen.Infrastructure.Config;

namespace Lumen.Tests.Portal;

/// <summary>Config load results built from domain objects, so portal tests do not depend on the YAML parser.</summary>
internal static class SampleConfig
{
    public static ModelDefinition Dummy { get; } = new("dummy", ModelPrice.Free, []);

    public static ModelDefinition Llama { get; } = new("llama3", new ModelPrice(0.5m, 1.5m),
        [new ModelEndpoint("http://127.0.0.1:11434/v1", "llama3:8b", "OLLAMA_KEY", null)]);

    public static ClientEntry DefaultEntry { get; } = new(100m, 0.05m, 100m,
        new ModelAccessEntry(AccessMode.Blacklist, [], ["dummy"], []));

    public static LumenConfig Config(
        ClientEntry? defaultEntry = null,
        IEnumerable<ModelDefinition>? models = null,
        IEnumerable<string>? admins = null,
        IReadOnlyDictionary<string, ClientEntry>? named = null) =>
        new(admins ?? ["admin@example.org"],
            new ModelCatalog(models ?? [Dummy, Llama]),
            new ClientsSection(defaultEntry, named ?? new Dictionary<string, ClientEntry>()));

    public static ConfigLoadResult Valid(LumenConfig? config = null, params ConfigIssue[] warnings) =>
        new(config ?? Config(DefaultEntry), [], warnings);

    public static ConfigLoadResult Rejected(params ConfigIssue[] errors) => ConfigLoadResult.Invalid(errors);
}

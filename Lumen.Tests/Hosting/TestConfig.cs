using System.Globalization;
using System.Text;

namespace Lumen.Tests.Hosting;

/// <summary>
/// The config file a test portal runs with, built in C# rather than written as YAML by hand: admins, models (costs,
/// endpoints), the <c>default</c> client entry and named entries. <see cref="ToString"/> writes the YAML, in block
/// style as an operator writes it. Tests whose subject is the YAML text itself (the loader's acceptance and
/// rejection tests) keep their text literal.
/// </summary>
public sealed class TestConfig
{
    private readonly List<string> _admins = [];
    private readonly List<Model> _models = [];
    private readonly List<(string Name, Entry Entry)> _clients = [];

    /// <summary>A budget and model access of a client entry; what is null is not written (the loader's default).</summary>
    public sealed record Entry(decimal? Max = null, decimal? Refresh = null, decimal? Starting = null, Access? ModelAccess = null);

    /// <summary>A <c>model_access</c> block: its default and the lists that override it.</summary>
    public sealed record Access(string Default, string[]? Whitelist = null, string[]? Blacklist = null, string[]? Graylist = null)
    {
        /// <summary>Every model allowed.</summary>
        public static readonly Access AllModels = new("whitelist");
    }

    /// <summary>One endpoint of a proxied model: its URL, and optionally the upstream's model name, key and <c>max_concurrent</c>.</summary>
    public sealed record Endpoint(string Url, string? Model = null, string? ApiKey = null, int? MaxConcurrent = null);

    private sealed record Model(string Name, decimal? InputCost, decimal? OutputCost, bool Active, Endpoint[] Endpoints);

    public TestConfig Admins(params string[] emails)
    {
        _admins.AddRange(emails);
        return this;
    }

    /// <summary>A model; costs are coins per million tokens, none written when null.</summary>
    public TestConfig WithModel(string name, decimal? inputCost = null, decimal? outputCost = null, params Endpoint[] endpoints) =>
        Add(new Model(name, inputCost, outputCost, Active: true, endpoints));

    /// <summary>A model turned off (<c>active: false</c>).</summary>
    public TestConfig WithInactiveModel(string name, params Endpoint[] endpoints) =>
        Add(new Model(name, null, null, Active: false, endpoints));

    /// <summary>The <c>default</c> entry: what every client without a named entry gets.</summary>
    public TestConfig Default(Entry entry) => WithClient("default", entry);

    /// <summary>A named client entry, in place of one of the same name if there is one.</summary>
    public TestConfig WithClient(string name, Entry entry)
    {
        var at = _clients.FindIndex(c => c.Name == name);
        if (at >= 0) _clients[at] = (name, entry);
        else _clients.Add((name, entry));
        return this;
    }

    /// <summary>Several named entries of one budget and access.</summary>
    public TestConfig WithClients(Entry entry, params string[] names)
    {
        foreach (var name in names) WithClient(name, entry);
        return this;
    }

    private TestConfig Add(Model model)
    {
        _models.Add(model);
        return this;
    }

    public override string ToString()
    {
        var yaml = new StringBuilder();
        if (_admins.Count > 0) yaml.Append("admins: ").AppendLine(List(_admins));
        if (_models.Count > 0) yaml.AppendLine("models:");
        foreach (var model in _models) WriteModel(yaml, model);
        if (_clients.Count == 0) yaml.AppendLine("clients: {}");
        else yaml.AppendLine("clients:");
        foreach (var (name, entry) in _clients) WriteEntry(yaml, name, entry);
        return yaml.ToString();
    }

    private static void WriteModel(StringBuilder yaml, Model model)
    {
        yaml.Append("  - name: ").AppendLine(model.Name);
        Line(yaml, "    input_cost_per_million", model.InputCost);
        Line(yaml, "    output_cost_per_million", model.OutputCost);
        if (!model.Active) yaml.AppendLine("    active: false");
        if (model.Endpoints.Length > 0) yaml.AppendLine("    endpoints:");
        foreach (var endpoint in model.Endpoints)
        {
            yaml.Append("      - url: ").AppendLine(endpoint.Url);
            if (endpoint.Model is not null) yaml.Append("        model: ").AppendLine(endpoint.Model);
            if (endpoint.ApiKey is not null) yaml.Append("        api_key: ").AppendLine(endpoint.ApiKey);
            if (endpoint.MaxConcurrent is { } max) yaml.Append("        max_concurrent: ").AppendLine(max.ToString(CultureInfo.InvariantCulture));
        }
    }

    private static void WriteEntry(StringBuilder yaml, string name, Entry entry)
    {
        yaml.Append("  ").Append(name).AppendLine(":");
        Line(yaml, "    max", entry.Max);
        Line(yaml, "    refresh", entry.Refresh);
        Line(yaml, "    starting", entry.Starting);
        if (entry.ModelAccess is not { } access) return;
        yaml.AppendLine("    model_access:");
        yaml.Append("      default: ").AppendLine(access.Default);
        if (access.Whitelist is { } white) yaml.Append("      whitelist: ").AppendLine(List(white));
        if (access.Blacklist is { } black) yaml.Append("      blacklist: ").AppendLine(List(black));
        if (access.Graylist is { } gray) yaml.Append("      graylist: ").AppendLine(List(gray));
    }

    private static void Line(StringBuilder yaml, string key, decimal? value)
    {
        if (value is { } v) yaml.Append(key).Append(": ").AppendLine(v.ToString(CultureInfo.InvariantCulture));
    }

    private static string List(IEnumerable<string> items) => $"[{string.Join(", ", items)}]";
}

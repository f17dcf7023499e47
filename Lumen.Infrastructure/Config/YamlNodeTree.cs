using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Lumen.Infrastructure.Config;

/// <summary>A 1-based line and column in the config text.</summary>
internal readonly record struct TextPosition(int Line, int Column)
{
    public static TextPosition From(Mark mark) => new((int)mark.Line, (int)mark.Column);
}

/// <summary>
/// A minimal YAML node. Our own tree (rather than YamlDotNet's representation model) keeps duplicate
/// keys, so they can be reported with every other problem instead of aborting on the first one.
/// </summary>
internal abstract class YamlTreeNode(TextPosition at)
{
    public TextPosition At { get; } = at;

    /// <summary>What the node is, in words, for "found …" in messages.</summary>
    public abstract string Describe();
}

internal sealed class ScalarNode(string value, bool isPlain, TextPosition at) : YamlTreeNode(at)
{
    private const int ShownLength = 40;

    public string Value { get; } = value;

    /// <summary>Unquoted: only plain scalars may be numbers, booleans or null.</summary>
    public bool IsPlain { get; } = isPlain;

    public bool IsNull => IsPlain && Value is "" or "~" or "null" or "Null" or "NULL";

    public override string Describe()
    {
        var shown = Value.Length > ShownLength ? Value[..ShownLength] + "…" : Value;
        return IsNull ? "no value" : IsPlain ? $"'{shown}'" : $"the quoted text \"{shown}\"";
    }
}

internal sealed class SequenceNode(IReadOnlyList<YamlTreeNode> items, TextPosition at) : YamlTreeNode(at)
{
    public IReadOnlyList<YamlTreeNode> Items { get; } = items;
    public override string Describe() => "a list";
}

internal sealed class MappingNode(IReadOnlyList<MappingEntry> entries, TextPosition at) : YamlTreeNode(at)
{
    /// <summary>Every entry in document order, duplicates included.</summary>
    public IReadOnlyList<MappingEntry> Entries { get; } = entries;
    public override string Describe() => "a mapping";
}

internal sealed record MappingEntry(YamlTreeNode Key, YamlTreeNode Value)
{
    /// <summary>The key's text, or null when the key is not a scalar.</summary>
    public string? KeyText => Key is ScalarNode s ? s.Value : null;
}

/// <summary>The single document of a config file: its root (null for an empty stream) or the syntax error.</summary>
internal sealed record YamlTree(YamlTreeNode? Root, ConfigIssue? Error);

/// <summary>Builds a <see cref="YamlTree"/> from YamlDotNet's parser events, resolving anchors, aliases and merge keys.</summary>
internal static class YamlTreeReader
{
    // Deep enough for any config; shallow enough that hostile input cannot overflow the stack.
    private const int MaxDepth = 64;
    private const string MergeKey = "<<";

    public static YamlTree Read(string text)
    {
        var parser = new Parser(new StringReader(text));
        var anchors = new Dictionary<string, YamlTreeNode>(StringComparer.Ordinal);
        try
        {
            parser.Consume<StreamStart>();
            if (parser.Accept<StreamEnd>(out _)) return new(null, null);
            parser.Consume<DocumentStart>();
            var root = ReadNode(parser, anchors, 0);
            parser.Consume<DocumentEnd>();
            if (parser.Accept<DocumentStart>(out var second))
                return new(null, Issue(second.Start, "The file holds more than one YAML document ('---'); a config is a single document."));
            return new(root, null);
        }
        catch (YamlException e)
        {
            var at = IsTabError(e) && FirstIndentingTab(text) is { } tab ? tab : TextPosition.From(e.Start);
            return new(null, new ConfigIssue(at.Line, at.Column, $"The file is not valid YAML: {Reason(e)}"));
        }
    }

    private static YamlTreeNode ReadNode(Parser parser, Dictionary<string, YamlTreeNode> anchors, int depth)
    {
        if (depth > MaxDepth)
            throw new YamlException(parser.Current!.Start, parser.Current.End, $"nesting deeper than {MaxDepth} levels.");
        if (parser.TryConsume<AnchorAlias>(out var alias))
        {
            // An alias shares the anchored node, so its problems are reported where the anchor is.
            return anchors.TryGetValue(alias.Value.Value, out var target) ? target
                : throw new YamlException(alias.Start, alias.End, $"the alias *{alias.Value.Value} has no anchor &{alias.Value.Value} before it.");
        }

        var start = parser.Current as NodeEvent
            ?? throw new YamlException(parser.Current!.Start, parser.Current.End, "a value was expected here.");
        YamlTreeNode node = start switch
        {
            Scalar s => ReadScalar(parser, s),
            SequenceStart => ReadSequence(parser, anchors, depth),
            MappingStart => ReadMapping(parser, anchors, depth),
            _ => throw new YamlException(start.Start, start.End, "a value was expected here."),
        };
        if (!start.Anchor.IsEmpty) anchors[start.Anchor.Value] = node;
        return node;
    }

    private static ScalarNode ReadScalar(Parser parser, Scalar scalar)
    {
        parser.MoveNext();
        return new ScalarNode(scalar.Value, scalar.Style is ScalarStyle.Plain or ScalarStyle.Any, TextPosition.From(scalar.Start));
    }

    private static SequenceNode ReadSequence(Parser parser, Dictionary<string, YamlTreeNode> anchors, int depth)
    {
        var start = parser.Consume<SequenceStart>();
        var items = new List<YamlTreeNode>();
        while (!parser.TryConsume<SequenceEnd>(out _)) items.Add(ReadNode(parser, anchors, depth + 1));
        return new SequenceNode(items, TextPosition.From(start.Start));
    }

    private static MappingNode ReadMapping(Parser parser, Dictionary<string, YamlTreeNode> anchors, int depth)
    {
        var start = parser.Consume<MappingStart>();
        var entries = new List<MappingEntry>();
        var merged = new List<MappingEntry>();
        while (!parser.TryConsume<MappingEnd>(out _))
        {
            var key = ReadNode(parser, anchors, depth + 1);
            var value = ReadNode(parser, anchors, depth + 1);
            if (key is ScalarNode { IsPlain: true, Value: MergeKey }) merged.AddRange(MergeSources(value));
            else entries.Add(new MappingEntry(key, value));
        }

        // "<<: *base" (as PyYAML reads it): keys written in the mapping win over merged ones,
        // and earlier merge sources win over later ones.
        var present = new HashSet<string>(entries.Select(e => e.KeyText).OfType<string>(), StringComparer.Ordinal);
        foreach (var entry in merged)
        {
            if (entry.KeyText is { } k && present.Add(k)) entries.Add(entry);
        }
        return new MappingNode(entries, TextPosition.From(start.Start));
    }

    private static IEnumerable<MappingEntry> MergeSources(YamlTreeNode value) => value switch
    {
        MappingNode m => m.Entries,
        SequenceNode s when s.Items.All(i => i is MappingNode) => s.Items.Cast<MappingNode>().SelectMany(m => m.Entries),
        _ => throw new YamlException(Mark(value.At), Mark(value.At), "a merge key '<<' needs a mapping or a list of mappings."),
    };

    private static Mark Mark(TextPosition at) => new(0, at.Line, at.Column);

    private static ConfigIssue Issue(Mark at, string message) => new((int)at.Line, (int)at.Column, message);

    private static bool IsTabError(YamlException e) => e.Message.Contains("tab", StringComparison.OrdinalIgnoreCase);

    // YamlDotNet reports a tab in indentation at the start of the enclosing block; point at the tab itself.
    private static TextPosition? FirstIndentingTab(string text)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var indent = lines[i].Length - lines[i].TrimStart(' ', '\t').Length;
            var tab = lines[i].IndexOf('\t', StringComparison.Ordinal);
            if (tab >= 0 && tab < indent) return new TextPosition(i + 1, tab + 1);
        }
        return null;
    }

    // YamlException's Message may carry its own "(Line: …)" prefix; the issue already has the position.
    private static string Reason(YamlException e)
    {
        var message = e.Message;
        var cut = message.IndexOf("): ", StringComparison.Ordinal);
        return message.StartsWith("(Line:", StringComparison.Ordinal) && cut >= 0 ? message[(cut + 3)..] : message;
    }
}

namespace Lumen.Infrastructure.Config;

/// <summary>Collects every error and warning of one load, each at the node it concerns.</summary>
internal sealed class ConfigIssues
{
    private readonly List<ConfigIssue> _errors = [];
    private readonly List<ConfigIssue> _warnings = [];

    public bool HasErrors => _errors.Count > 0;
    public int ErrorCount => _errors.Count;

    public void Error(YamlTreeNode at, string message) => _errors.Add(new(at.At.Line, at.At.Column, message));
    public void Error(ConfigIssue issue) => _errors.Add(issue);
    public void Warning(YamlTreeNode at, string message) => _warnings.Add(new(at.At.Line, at.At.Column, message));

    // In file order, so a person can fix them top to bottom (OrderBy is stable for ties).
    public IReadOnlyList<ConfigIssue> Errors => InFileOrder(_errors);
    public IReadOnlyList<ConfigIssue> Warnings => InFileOrder(_warnings);

    private static List<ConfigIssue> InFileOrder(List<ConfigIssue> issues) =>
        issues.OrderBy(i => i.Line).ThenBy(i => i.Column).ToList();
}

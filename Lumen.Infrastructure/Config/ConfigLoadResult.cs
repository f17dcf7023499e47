using Lumen.Domain.Config;

namespace Lumen.Infrastructure.Config;

/// <summary>A problem in the config file at a 1-based line and column (0 when the position is unknown).</summary>
public sealed record ConfigIssue(int Line, int Column, string Message)
{
    public override string ToString() => Line > 0 ? $"line {Line}, column {Column}: {Message}" : Message;
}

/// <summary>
/// The outcome of reading a config: a config when the file is valid (possibly with warnings),
/// otherwise every error found (never just the first).
/// </summary>
public sealed record ConfigLoadResult(LumenConfig? Config, IReadOnlyList<ConfigIssue> Errors, IReadOnlyList<ConfigIssue> Warnings)
{
    public bool IsValid => Config is not null && Errors.Count == 0;

    public static ConfigLoadResult Invalid(IReadOnlyList<ConfigIssue> errors) => new(null, errors, []);
}

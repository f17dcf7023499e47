namespace Lumen.Domain.Clients;

/// <summary>A valid client name (§3): 1–64 of a-z 0-9 - _ . starting with a letter or digit; never "default".</summary>
public sealed record ClientName
{
    public const int MaxLength = 64;
    public const string Reserved = "default";

    public string Value { get; }

    private ClientName(string value) => Value = value;

    public static bool TryCreate(string? text, out ClientName name, out string error)
    {
        name = null!;
        error = Validate(text) ?? "";
        if (error.Length > 0) return false;
        name = new ClientName(text!);
        return true;
    }

    /// <summary>Creates a name or throws <see cref="ArgumentException"/> with the validation message.</summary>
    public static ClientName Create(string? text) =>
        TryCreate(text, out var name, out var error) ? name : throw new ArgumentException(error, nameof(text));

    /// <summary>Null when the text is a valid name, else every rule it breaks, in one message a person can act on.</summary>
    public static string? Validate(string? text) => Problems(text) is { Count: > 0 } problems ? string.Join(" ", problems) : null;

    /// <summary>Each rule the text breaks, one sentence each (empty for a valid name): the one home of the rule text.</summary>
    public static IReadOnlyList<string> Problems(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return ["A client name is required."];
        var problems = new List<string>();
        if (text.Length > MaxLength) problems.Add($"A client name has at most {MaxLength} characters.");
        if (!IsLowerLetterOrDigit(text[0])) problems.Add("A client name must start with a lower-case letter or a digit.");
        if (text.Any(c => !IsLowerLetterOrDigit(c) && c is not ('-' or '_' or '.')))
            problems.Add("A client name may only hold lower-case letters, digits, '-', '_' and '.'.");
        if (text == Reserved) problems.Add("\"default\" is reserved for the settings of clients without a named entry.");
        return problems;
    }

    /// <summary>
    /// How a name someone typed or linked is looked up: trimmed, lower-case (names are case-insensitive, §3).
    /// The one home of that rule; validation still decides whether the result is a name.
    /// </summary>
    public static string Normalize(string text) => text.Trim().ToLowerInvariant();

    private static bool IsLowerLetterOrDigit(char c) => c is >= 'a' and <= 'z' or >= '0' and <= '9';

    public override string ToString() => Value;
}

namespace Lumen.Domain.People;

/// <summary>
/// A person's e-mail address (§6), as sign-in reads it from the identity provider and as managers are assigned by:
/// one rule for both, so an address someone signs in with can always be made a manager. Stored normalised.
/// </summary>
public sealed record EmailAddress
{
    public const int MaxLength = 254;

    /// <summary>Characters that only occur in display names, quoted parts, lists or address literals, never in an address a provider issues.</summary>
    private const string Specials = "<>()[]\\,;:\"";

    /// <summary>The address trimmed and lower-case (<see cref="Normalize"/>).</summary>
    public string Value { get; }

    private EmailAddress(string value) => Value = value;

    public static bool TryCreate(string? text, out EmailAddress address, out string error)
    {
        address = null!;
        error = Validate(text) ?? "";
        if (error.Length > 0) return false;
        address = new EmailAddress(Normalize(text!));
        return true;
    }

    public static bool IsValid(string? text) => Validate(text) is null;

    /// <summary>
    /// Null for name@domain: one '@', a local part and a domain of non-empty dot-separated labels (a dot is not
    /// required: intranet providers issue alice@intranet), no spaces, control characters or display-name punctuation.
    /// Else one message a person can act on.
    /// </summary>
    public static string? Validate(string? text)
    {
        var trimmed = text?.Trim();
        if (string.IsNullOrEmpty(trimmed)) return "An e-mail address is required.";
        if (trimmed.Length > MaxLength) return $"An e-mail address has at most {MaxLength} characters.";
        // Not echoed: a control character or NUL would garble the message and any log it reaches.
        if (trimmed.Any(char.IsControl)) return "An e-mail address cannot hold control characters.";
        if (!Text.StorableText.IsStorable(trimmed)) return $"An e-mail address {Text.StorableText.Rule}";
        return IsAddress(trimmed) ? null : $"'{trimmed}' is not an e-mail address like name@example.org.";
    }

    /// <summary>How an address is stored and compared: trimmed, lower-case. The one home of that rule.</summary>
    public static string Normalize(string text) => text.Trim().ToLowerInvariant();

    private static bool IsAddress(string text)
    {
        var at = text.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at != text.LastIndexOf('@') || at == text.Length - 1) return false;
        if (text.Any(c => char.IsWhiteSpace(c) || Specials.Contains(c, StringComparison.Ordinal))) return false;
        return text[(at + 1)..].Split('.').All(label => label.Length > 0);
    }

    public override string ToString() => Value;
}

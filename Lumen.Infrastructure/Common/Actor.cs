namespace Lumen.Infrastructure.Common;

/// <summary>
/// Who performs a use case: a signed-in person by e-mail, or the operator command line, which acts as an admin
/// named "cli" (§13). Admin rights of a person are looked up live in the config in force on every action.
/// </summary>
public sealed record Actor(string Email, bool IsOperator = false)
{
    public static readonly Actor Cli = new("cli", IsOperator: true);

    /// <summary>How an e-mail address is stored and compared: trimmed, lower-case.</summary>
    public static string Normalize(string email) => email.Trim().ToLowerInvariant();

    public string NormalizedEmail => Normalize(Email);
}

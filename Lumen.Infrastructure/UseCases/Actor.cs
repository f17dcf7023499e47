using Lumen.Domain.People;

namespace Lumen.Infrastructure.UseCases;

/// <summary>
/// Who performs a use case: a signed-in person by e-mail, or the operator command line, which acts as an admin
/// named "cli" (§13). Admin rights of a person are looked up live in the config in force on every action.
/// </summary>
public sealed record Actor(string Email, bool IsOperator = false)
{
    public static readonly Actor Cli = new("cli", IsOperator: true);

    public string NormalizedEmail => EmailAddress.Normalize(Email);
}

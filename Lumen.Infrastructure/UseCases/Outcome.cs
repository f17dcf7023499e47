namespace Lumen.Infrastructure.UseCases;

public enum FailureKind
{
    /// <summary>Bad input: the message says what to fix.</summary>
    Invalid,
    /// <summary>No such thing, or one the actor may not see: both answer the same (§6).</summary>
    NotFound,
    /// <summary>The actor may see the client but not do this to it.</summary>
    Forbidden,
    /// <summary>It clashes with what exists (a taken name, say).</summary>
    Conflict,
    /// <summary>The use case itself failed (the database unreachable, say): nothing the person asked for was wrong.</summary>
    Unavailable,
}

public sealed record Failure(FailureKind Kind, string Message)
{
    public static Failure ClientNotFound(string name) => new(FailureKind.NotFound, $"Client '{name}' was not found.");
}

/// <summary>A use case's result: a value, or a failure with a message fit to show the person who asked.</summary>
public readonly record struct Outcome<T>
{
    private Outcome(T? value, Failure? failure)
    {
        Value = value;
        Failure = failure;
    }

    public T? Value { get; }
    public Failure? Failure { get; }
    public bool Succeeded => Failure is null;

    public static implicit operator Outcome<T>(T value) => new(value, null);
    public static implicit operator Outcome<T>(Failure failure) => new(default, failure);

    /// <summary>The value, or an exception carrying the failure's message (for callers that cannot go on without it).</summary>
    public T Unwrap() => Succeeded ? Value! : throw new InvalidOperationException(Failure!.Message);
}

namespace Lumen.Infrastructure.Persistence;

/// <summary>
/// A writer's turn at a database that takes one writer at a time (<see cref="SqlDialect.WriteTurnAsync"/>), given back
/// when disposed; on a database with row locks, nothing.
/// </summary>
internal readonly struct WriteTurn(SemaphoreSlim? held) : IDisposable
{
    public void Dispose() => held?.Release();
}

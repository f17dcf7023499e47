using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Lumen.Bench.ClientsScale;

/// <summary>
/// With BENCH_SQL=1: prints every statement EF Core runs and how long it took, from EF's diagnostic events (the
/// product builds its own context options, so its logger is not ours to configure).
/// </summary>
internal sealed class SqlTrace : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>
{
    private static readonly SqlTrace Instance = new();

    public static void Start() => DiagnosticListener.AllListeners.Subscribe(Instance);

    public void OnNext(DiagnosticListener value)
    {
        if (value.Name == DbLoggerCategory.Name) value.Subscribe(this);
    }

    // When the last statement's execution ended: the time from there to the next one's start is reading its rows
    // (a query's Duration ends at its first row) and whatever the caller did in between.
    private long _lastEnded = Stopwatch.GetTimestamp();

    public void OnNext(KeyValuePair<string, object?> value)
    {
        if (value.Value is not CommandExecutedEventData executed) return;
        var now = Stopwatch.GetTimestamp();
        var between = Stopwatch.GetElapsedTime(_lastEnded, now) - executed.Duration;
        _lastEnded = now;
        Console.Error.WriteLine(Fmt.Inv(
            $"-- {executed.Duration.TotalMilliseconds:0.00} ms (after {Math.Max(0, between.TotalMilliseconds):0.0} ms since the previous one)\n{executed.Command.CommandText}\n"));
    }

    public void OnCompleted()
    {
    }

    public void OnError(Exception error)
    {
    }
}

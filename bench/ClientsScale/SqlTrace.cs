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

    public void OnNext(KeyValuePair<string, object?> value)
    {
        if (value.Value is CommandExecutedEventData executed)
            Console.Error.WriteLine(Fmt.Inv($"-- {executed.Duration.TotalMilliseconds:0.00} ms\n{executed.Command.CommandText}\n"));
    }

    public void OnCompleted()
    {
    }

    public void OnError(Exception error)
    {
    }
}

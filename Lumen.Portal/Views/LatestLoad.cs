namespace Lumen.Portal.Views;

/// <summary>
/// A view's reads where the latest one wins: an action's reload, a live refresh and a click on a filter may overlap,
/// and an older read that finishes last must not overwrite a newer one. A read that throws (the database unreachable,
/// say) becomes <see cref="Error"/>, text the view shows, instead of an exception that would end the person's circuit.
/// </summary>
public sealed class LatestLoad
{
    private int _started;

    /// <summary>Until the latest read has finished (so from the start: a view that has not read yet is loading).</summary>
    public bool Loading { get; private set; } = true;

    /// <summary>What the latest read could not do, for the person; null when it went well.</summary>
    public string? Error { get; private set; }

    /// <summary>
    /// Reads with <paramref name="read"/> and, unless a later read has started meanwhile, shows its result with
    /// <paramref name="show"/>, which answers the error text for that result (a refusal) or null. When the read throws,
    /// <see cref="Error"/> becomes <paramref name="failure"/>.
    /// </summary>
    public async Task RunAsync<T>(Func<Task<T>> read, Func<T, string?> show, string failure)
    {
        var mine = ++_started;
        Loading = true;
        try
        {
            var result = await read();
            if (mine == _started) Error = show(result);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (mine == _started) Error = failure; // an older read's failure is as stale as its result
        }
        finally
        {
            if (mine == _started) Loading = false;
        }
    }
}

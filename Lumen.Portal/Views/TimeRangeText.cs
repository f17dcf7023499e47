using Lumen.Portal.Urls;

namespace Lumen.Portal.Views;

/// <summary>
/// A filter's From and Until fields as the person typed them (ISO times, UTC unless they say otherwise, as
/// <see cref="UrlValue.Time"/> reads them), and whether each is marked as not a time.
/// </summary>
public sealed class TimeRangeText
{
    public string? Since { get; set; }
    public string? Until { get; set; }
    public bool SinceInvalid { get; private set; }
    public bool UntilInvalid { get; private set; }

    /// <summary>
    /// Shows the range a URL gives, read (<paramref name="since"/>) and as written (<paramref name="sinceText"/>): a
    /// time it gives that is not one stays in its field, marked, so the person sees why it filters nothing.
    /// </summary>
    public void Show(DateTime? since, string? sinceText, DateTime? until, string? untilText)
    {
        (Since, Until) = (UrlValue.Format(since) ?? UrlValue.Text(sinceText), UrlValue.Format(until) ?? UrlValue.Text(untilText));
        (SinceInvalid, UntilInvalid) = (since is null && Since is not null, until is null && Until is not null);
    }

    /// <summary>Reads both fields; false, with the field marked, when one holds text that is not a time.</summary>
    public bool TryRead(out DateTime? since, out DateTime? until)
    {
        (since, until) = (UrlValue.Time(Since), UrlValue.Time(Until));
        SinceInvalid = !string.IsNullOrWhiteSpace(Since) && since is null;
        UntilInvalid = !string.IsNullOrWhiteSpace(Until) && until is null;
        return !SinceInvalid && !UntilInvalid;
    }
}

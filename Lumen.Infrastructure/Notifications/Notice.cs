using System.Net;

namespace Lumen.Infrastructure.Notifications;

/// <summary>
/// What happened, once, in words for a mail (§23): the event, the key that makes a repeat the same notice, the client
/// it is about, and subject and text. The HTML part is the text, escaped, with its link (if any) made clickable.
/// </summary>
public sealed record Notice(string Event, string EventKey, int? ClientId, string Subject, string Text, Uri? Link)
{
    public string Html =>
        $"<p>{WebUtility.HtmlEncode(Text)}</p>"
        + (Link is null ? "" : $"<p><a href=\"{WebUtility.HtmlEncode(Link.AbsoluteUri)}\">{WebUtility.HtmlEncode(Link.AbsoluteUri)}</a></p>");

    public string PlainText => Text + (Link is null ? "" : $"\n\n{Link.AbsoluteUri}") + "\n";
}

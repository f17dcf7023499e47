using System.Net;

namespace Lumen.Infrastructure.Notifications;

/// <summary>The message <c>notifications test EMAIL</c> sends: proof that the SMTP settings reach a mailbox.</summary>
public static class TestMail
{
    public const string Subject = "Lumen Portal: test message";

    public static Mail To(string address, SmtpSettings settings)
    {
        var text = $"This is a test message from Lumen Portal, sent through {settings} by the command "
                   + $"'notifications test'. It arrived, so notifications can reach {address}.";
        return new Mail(Guid.NewGuid(), address, Subject, text + "\n", $"<p>{WebUtility.HtmlEncode(text)}</p>");
    }
}

using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Lumen.Infrastructure.Notifications;

/// <summary>
/// Sends mail through the configured SMTP server with MailKit: one connection per batch, authenticated when a user is
/// set, certificates checked against the system's authorities (and <see cref="SmtpSettings.CaCertificate"/>).
/// </summary>
public sealed class SmtpMailer(SmtpSettings settings)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public SmtpSettings Settings => settings;

    /// <summary>Sends each mail; throws <see cref="MailNotSentException"/> saying what went wrong, in words an admin can act on.</summary>
    public async Task SendAsync(IReadOnlyList<Mail> mails, CancellationToken ct = default)
    {
        using var client = new SmtpClient { Timeout = (int)Timeout.TotalMilliseconds };
        if (settings.CaCertificate is not null) client.ServerCertificateValidationCallback = TrustingOurAuthority;
        try
        {
            await client.ConnectAsync(settings.Host, settings.Port, Options(settings.Security), ct);
            if (settings.User is not null) await client.AuthenticateAsync(settings.User, settings.Password!, ct);
            foreach (var mail in mails) await client.SendAsync(Message(mail), ct);
            await client.DisconnectAsync(quit: true, ct);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or SslHandshakeException
                                      or AuthenticationException or SmtpCommandException or SmtpProtocolException or TimeoutException
                                      or NotSupportedException)
        {
            throw new MailNotSentException($"the SMTP server {settings} {Why(e)}", e);
        }
    }

    private MimeMessage Message(Mail mail)
    {
        var message = new MimeMessage
        {
            MessageId = $"{mail.Id:N}@{settings.From.Host}",
            Subject = mail.Subject,
            Body = new BodyBuilder { TextBody = mail.Text, HtmlBody = mail.Html }.ToMessageBody(),
        };
        message.From.Add(new MailboxAddress(settings.From.DisplayName, settings.From.Address));
        message.To.Add(MailboxAddress.Parse(mail.To));
        return message;
    }

    private static SecureSocketOptions Options(SmtpSecurity security) => security switch
    {
        SmtpSecurity.None => SecureSocketOptions.None,
        SmtpSecurity.Tls => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.StartTls,
    };

    private static string Why(Exception e) => e switch
    {
        SslHandshakeException => "refused a secure connection, or its certificate is not trusted (Smtp:CaCertificate)",
        AuthenticationException => "refused the user and password (Smtp:User, Smtp:Password)",
        SmtpCommandException command => $"refused the message: {command.StatusCode} {command.Message}",
        System.Net.Sockets.SocketException socket => $"could not be reached: {socket.Message}",
        NotSupportedException => "offers no way to sign in (no AUTH, or only without TLS), and Smtp:User is set",
        TimeoutException => $"did not answer within {Timeout.TotalSeconds:0} s",
        _ => $"failed: {e.Message}",
    };

    /// <summary>The system's checks, except that a chain ending at the configured authority is trusted too; the name must still match.</summary>
    private bool TrustingOurAuthority(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None) return true;
        if (errors != SslPolicyErrors.RemoteCertificateChainErrors || certificate is null) return false;
        using var ours = new X509Chain();
        ours.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        ours.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        ours.ChainPolicy.CustomTrustStore.ImportFromPemFile(settings.CaCertificate!);
        return ours.Build(new X509Certificate2(certificate));
    }
}

/// <summary>A mail that could not be sent, and why, in words (no credentials).</summary>
public sealed class MailNotSentException(string message, Exception inner) : Exception(message, inner);

using System.Net.Mail;
using Microsoft.Extensions.Configuration;

namespace Lumen.Infrastructure.Notifications;

/// <summary>How the SMTP server is reached (§23): <c>none</c> (plain), <c>starttls</c> (upgraded, required), or <c>tls</c> from the first byte.</summary>
public enum SmtpSecurity
{
    None,
    StartTls,
    Tls,
}

/// <summary>
/// The SMTP server notifications go through (§23: <c>Smtp:Host</c>, <c>Port</c>, <c>Security</c>, <c>User</c>,
/// <c>Password</c>, <c>From</c>), and <c>Smtp:CaCertificate</c>: a PEM file of the certificate authority (or the
/// server's own certificate) to trust besides the system's, for a centre's internal relay. No host: no e-mail.
/// </summary>
public sealed record SmtpSettings(
    string Host, int Port, SmtpSecurity Security, string? User, string? Password, MailAddress From, string? CaCertificate)
{
    /// <summary>The settings, null when no <c>Smtp:Host</c> is set; wrong ones are refused with what to fix.</summary>
    public static SmtpSettings? FromConfiguration(IConfiguration configuration)
    {
        var smtp = configuration.GetSection("Smtp");
        if (string.IsNullOrWhiteSpace(smtp["Host"])) return null;
        var security = smtp["Security"]?.Trim().ToLowerInvariant() switch
        {
            null or "" or "starttls" => SmtpSecurity.StartTls,
            "none" => SmtpSecurity.None,
            "tls" => SmtpSecurity.Tls,
            var other => throw Wrong($"Smtp:Security must be none, starttls or tls, not '{other}'."),
        };
        var port = smtp["Port"] is { Length: > 0 } text
            ? int.TryParse(text, out var p) && p is > 0 and < 65536 ? p : throw Wrong($"Smtp:Port must be a port number (1-65535), not '{text}'.")
            : security switch { SmtpSecurity.Tls => 465, SmtpSecurity.StartTls => 587, _ => 25 };
        if (string.IsNullOrWhiteSpace(smtp["From"])) throw Wrong("Smtp:From is required with Smtp:Host: the address notifications are sent from.");
        if (!MailAddress.TryCreate(smtp["From"], out var from)) throw Wrong($"Smtp:From is not an e-mail address: '{smtp["From"]}'.");
        var user = string.IsNullOrEmpty(smtp["User"]) ? null : smtp["User"];
        if (user is not null && string.IsNullOrEmpty(smtp["Password"])) throw Wrong("Smtp:Password is required with Smtp:User.");
        var ca = string.IsNullOrWhiteSpace(smtp["CaCertificate"]) ? null : smtp["CaCertificate"];
        if (ca is not null && !File.Exists(ca)) throw Wrong($"Smtp:CaCertificate names no readable file: '{ca}'.");
        return new SmtpSettings(smtp["Host"]!.Trim(), port, security, user, user is null ? null : smtp["Password"], from, ca);
    }

    /// <summary>Where mail goes, for messages and logs: host, port and security, never the credentials.</summary>
    public override string ToString() => $"{Host}:{Port} ({Security.ToString().ToLowerInvariant()})";

    private static InvalidOperationException Wrong(string message) => new(message);
}

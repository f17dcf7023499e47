using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MimeKit;

namespace Lumen.Tests.Notifications;

/// <summary>
/// A real SMTP server for the notification tests: Debian's aiosmtpd (run by Debian's own <c>/usr/bin/python3</c>)
/// on a free loopback port, plain, STARTTLS or TLS with a certificate made for it, optionally asking for a user and
/// password. Every mail it accepts lands in a Maildir, read back here as MIME. A missing package is a failure, never a skip.
/// </summary>
public sealed class TestSmtpServer : IAsyncDisposable
{
    private const string Python = "/usr/bin/python3";
    private readonly string _folder = Directory.CreateTempSubdirectory("lumen-smtp-").FullName;
    private Process? _process;

    private TestSmtpServer(string mode, string? user, string? password)
    {
        (Mode, User, Password) = (mode, user, password);
    }

    public int Port { get; } = Lumen.Tests.Infrastructure.Databases.PostgresServer.FreeLoopbackPort();
    public string Mode { get; }
    public string? User { get; }
    public string? Password { get; }

    /// <summary>The PEM of the server's own (self-signed) certificate, for <c>Smtp:CaCertificate</c>; null when plain.</summary>
    public string? CertificatePath { get; private set; }

    private string Maildir => Path.Combine(_folder, "maildir");

    /// <summary>Starts a server: <paramref name="mode"/> is <c>none</c>, <c>starttls</c> or <c>tls</c>.</summary>
    public static async Task<TestSmtpServer> StartAsync(string mode = "none", string? user = null, string? password = null)
    {
        var server = new TestSmtpServer(mode, user, password);
        await server.StartAsync();
        return server;
    }

    /// <summary>The <c>Smtp:*</c> settings that reach this server (key and value).</summary>
    public IEnumerable<(string Key, string Value)> Settings(bool trusted = true)
    {
        yield return ("Smtp:Host", "127.0.0.1");
        yield return ("Smtp:Port", Port.ToString(CultureInfo.InvariantCulture));
        yield return ("Smtp:Security", Mode);
        yield return ("Smtp:From", "Lumen Portal <lumen@portal.example.org>");
        if (User is not null)
        {
            yield return ("Smtp:User", User);
            yield return ("Smtp:Password", Password!);
        }
        if (trusted && CertificatePath is not null) yield return ("Smtp:CaCertificate", CertificatePath);
    }

    /// <summary>The same settings as command-line switches.</summary>
    public IEnumerable<string> Switches(bool trusted = true) => Settings(trusted).Select(s => $"--{s.Key}={s.Value}");

    /// <summary>Waits until at least <paramref name="count"/> mails arrived (or 15 s passed) and returns them all.</summary>
    public async Task<IReadOnlyList<MimeMessage>> ReceivedAsync(int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (Received() is var mails && mails.Count < count && DateTime.UtcNow < deadline) await Task.Delay(50);
        return Received();
    }

    /// <summary>The mails received so far, oldest first.</summary>
    public IReadOnlyList<MimeMessage> Received()
    {
        var arrived = Path.Combine(Maildir, "new");
        if (!Directory.Exists(arrived)) return [];
        return [.. Directory.GetFiles(arrived).Select(f => (File: f, Time: File.GetLastWriteTimeUtc(f))).OrderBy(f => f.Time)
            .Select(f => MimeMessage.Load(f.File))];
    }

    private async Task StartAsync()
    {
        if (!File.Exists(Python))
            throw new InvalidOperationException($"No {Python}: install Debian's python3-aiosmtpd (apt-get install -y python3-aiosmtpd) or run scripts/test.sh.");
        var start = new ProcessStartInfo(Python)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _folder,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Notifications", "smtp_server.py"));
        start.ArgumentList.Add(Port.ToString(CultureInfo.InvariantCulture));
        start.ArgumentList.Add(Maildir);
        start.ArgumentList.Add(Mode);
        if (Mode != "none")
        {
            var (cert, key) = WriteCertificate();
            start.ArgumentList.Add(cert);
            start.ArgumentList.Add(key);
        }
        if (User is not null)
        {
            if (Mode == "none")
            {
                start.ArgumentList.Add("");
                start.ArgumentList.Add("");
            }
            start.ArgumentList.Add(User);
            start.ArgumentList.Add(Password!);
        }
        _process = Process.Start(start)!;
        var ready = _process.StandardOutput.ReadLineAsync();
        if (await Task.WhenAny(ready, Task.Delay(TimeSpan.FromSeconds(20))) != ready || await ready != "ready")
        {
            var error = _process.HasExited ? await _process.StandardError.ReadToEndAsync() : "no answer within 20 s";
            throw new InvalidOperationException($"The test SMTP server did not start: {error} (needs Debian's python3-aiosmtpd).");
        }
    }

    /// <summary>A self-signed certificate for 127.0.0.1 and localhost, as PEM files the server and <c>Smtp:CaCertificate</c> read.</summary>
    private (string Cert, string Key) WriteCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=lumen-test-smtp", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, false, 0, critical: true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        CertificatePath = Path.Combine(_folder, "server.pem");
        var keyPath = Path.Combine(_folder, "server.key");
        File.WriteAllText(CertificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (CertificatePath, keyPath);
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.StandardInput.Close();
            if (!process.WaitForExit(5000)) process.Kill();
            await process.WaitForExitAsync();
        }
        _process?.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Lumen.Tests.Browser;

/// <summary>
/// The npm <c>oidc-provider</c> (oidc/server.mjs) running under Node on a loopback port: a real OpenID Connect
/// provider with one confidential client, <see cref="ClientId"/>. Its login form accepts any login; the e-mail claim
/// is the login typed. Killed on dispose.
/// </summary>
public sealed class OidcProviderProcess : IAsyncDisposable
{
    public const string ClientId = "lumen-portal";
    public const string ClientSecret = "lumen-portal-test-secret-0123456789";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private OidcProviderProcess(Process process, Uri issuer)
    {
        _process = process;
        Issuer = issuer;
    }

    public Uri Issuer { get; }

    /// <summary>What the provider printed so far (for failure messages).</summary>
    public string Log
    {
        get { lock (_log) return _log.ToString(); }
    }

    /// <summary>A loopback port free now, for the provider: the portal must know its issuer before the provider starts.</summary>
    public static int ReservePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public static Uri IssuerFor(int port) => new($"http://127.0.0.1:{port}");

    /// <summary>Starts the provider for a portal at <paramref name="portal"/> and waits until it says it is ready.</summary>
    public static async Task<OidcProviderProcess> StartAsync(int port, Uri portal)
    {
        var directory = BrowserPrerequisites.RequireOidcProvider();
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     "server.mjs", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--redirect-uri", new Uri(portal, "/signin-oidc").ToString(),
                     "--post-logout-redirect-uri", new Uri(portal, "/signout-callback-oidc").ToString(),
                     "--client-secret", ClientSecret,
                 })
        {
            start.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("Node.js (node) is needed for the OpenID Connect provider; run scripts/test.sh.", e);
        }

        var provider = new OidcProviderProcess(process, IssuerFor(port));
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            provider.Append(e.Data);
            if (e.Data.StartsWith("oidc-provider ready at", StringComparison.Ordinal)) ready.TrySetResult();
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) provider.Append(e.Data);
        };
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException("The OpenID Connect provider exited."));
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            await ready.Task.WaitAsync(StartTimeout);
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            await provider.DisposeAsync();
            throw new InvalidOperationException($"The OpenID Connect provider did not become ready on port {port}:\n{provider.Log}", e);
        }
        return provider;
    }

    private void Append(string line)
    {
        lock (_log) _log.AppendLine(line);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped: nothing left to stop.
        }
        _process.Dispose();
    }
}

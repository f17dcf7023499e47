using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Lumen.Bench.ClientsScale;

/// <summary>
/// The portal as its own process (the Release publish, Development environment for the development sign-in page) on a
/// free 127.0.0.1 port, over a given SQLite database and config file. Its output goes to a log file.
/// </summary>
internal sealed partial class Portal : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    private Portal(Process process, StreamWriter log, Uri address)
    {
        _process = process;
        _log = log;
        Address = address;
    }

    public Uri Address { get; }

    public int ProcessId => _process.Id;

    public static async Task<Portal> StartAsync(string portalDll, string dbPath, string configPath, string logPath)
    {
        var port = FreePort();
        var address = new Uri(Fmt.Inv($"http://127.0.0.1:{port}"));
        var info = new ProcessStartInfo("dotnet", [Path.GetFullPath(portalDll)])
        {
            // The publish folder holds appsettings.json: it is the content root, as in a deployment.
            WorkingDirectory = Path.GetDirectoryName(Path.GetFullPath(portalDll))!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        info.Environment["ASPNETCORE_URLS"] = address.ToString().TrimEnd('/');
        info.Environment["LUMEN_CONFIG"] = Path.GetFullPath(configPath);
        info.Environment["ConnectionStrings__Lumen"] = $"Data Source={Path.GetFullPath(dbPath)}";
        info.Environment["Lumen__ApiKeySecret"] = "clients-scale-bench-secret-0123456789abcdefghij";
        var log = new StreamWriter(logPath) { AutoFlush = true };
        var process = Process.Start(info) ?? throw new InvalidOperationException("The portal did not start.");
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var portal = new Portal(process, log, address);

        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };
        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 180;
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException($"The portal exited with {process.ExitCode}; see {logPath}.");
            try
            {
                using var response = await http.GetAsync(new Uri("/auth/dev-sign-in", UriKind.Relative));
                if (response.IsSuccessStatusCode) return portal;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            if (Stopwatch.GetTimestamp() > deadline)
            {
                await portal.DisposeAsync();
                throw new TimeoutException($"The portal did not answer within 180 s; see {logPath}.");
            }
            await Task.Delay(200);
        }
    }

    /// <summary>An HTTP client signed in as <paramref name="email"/> through the development sign-in form (antiforgery and all).</summary>
    public async Task<HttpClient> SignedInClientAsync(string email)
    {
        var handler = new SocketsHttpHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false, UseCookies = true };
        var http = new HttpClient(handler) { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(60) };
        var form = await http.GetStringAsync(new Uri("/auth/dev-sign-in", UriKind.Relative));
        var token = TokenField().Match(form) is { Success: true } match
            ? WebUtility.HtmlDecode(match.Groups[1].Value)
            : throw new InvalidOperationException("No antiforgery token on the sign-in page.");
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["email"] = email,
            ["returnUrl"] = "/clients",
        });
        using var response = await http.PostAsync(new Uri("/auth/dev-sign-in", UriKind.Relative), content);
        if (response.StatusCode != HttpStatusCode.Redirect)
            throw new InvalidOperationException(Fmt.Inv($"Signing in as {email} answered {(int)response.StatusCode}."));
        return http;
    }

    /// <summary>The peak resident memory of the portal process (VmHWM), in MB.</summary>
    public double PeakMemoryMb()
    {
        var line = File.ReadLines(Fmt.Inv($"/proc/{_process.Id}/status")).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? double.NaN : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024;
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null) return;
        lock (log) log.WriteLine(line);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        lock (_log) _log.Dispose();
    }
}

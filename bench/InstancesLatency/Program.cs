using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.SignalR.Client;

// instances-latency A_URL B_URL API_KEY CLIENT CALLS LABEL: a call of the dummy model on A, timed until a
// clientsChanged message about CLIENT's usage reaches a /hubs/clients listener on B (signed in as the admin).
if (args.Length != 6)
{
    Console.Error.WriteLine("usage: InstancesLatency A_URL B_URL API_KEY CLIENT CALLS LABEL");
    return 2;
}
var (a, b, key, client, calls, label) = (new Uri(args[0]), new Uri(args[1]), args[2], args[3], int.Parse(args[4], CultureInfo.InvariantCulture), args[5]);

var cookies = new CookieContainer();
using (var signIn = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = b })
{
    var form = await signIn.GetStringAsync("auth/dev-sign-in");
    var token = WebUtility.HtmlDecode(Regex.Match(form, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value);
    using var posted = await signIn.PostAsync("auth/dev-sign-in", new FormUrlEncodedContent(new Dictionary<string, string>
    {
        ["__RequestVerificationToken"] = token, ["email"] = "admin@example.org",
    }));
    if (posted.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException($"sign-in on B answered {posted.StatusCode}");
}

var heard = Channel();
await using var hub = new HubConnectionBuilder()
    .WithUrl(new Uri(b, "hubs/clients"), o => o.Cookies = cookies)
    .Build();
hub.On<List<Message>>("clientsChanged", batch =>
{
    if (batch.Any(m => m.Client == client && m.Kind == "UsageChanged")) heard.Writer.TryWrite(Stopwatch.GetTimestamp());
});
await hub.StartAsync();

using var http = new HttpClient { BaseAddress = a };
http.DefaultRequestHeaders.Authorization = new("Bearer", key);
var latencies = new List<double>();
for (var i = 0; i < calls + 3; i++)
{
    while (heard.Reader.TryRead(out _)) { } // nothing late from the previous call
    var start = Stopwatch.GetTimestamp();
    using var response = await http.PostAsJsonAsync("v1/chat/completions", new { model = "dummy", messages = new[] { new { role = "user", content = "bench" } } });
    response.EnsureSuccessStatusCode();
    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
    var at = await heard.Reader.ReadAsync(timeout.Token);
    if (i >= 3) latencies.Add(Stopwatch.GetElapsedTime(start, at).TotalMilliseconds); // the first three warm up
    await Task.Delay(Random.Shared.Next(100, 400)); // calls at random phases of the journal's poll
}

latencies.Sort();
double Pct(double p) => latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(p * latencies.Count) - 1)];
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{label}: {latencies.Count} calls on A -> B's hub listener: p50 {Pct(0.50):F1} ms, p95 {Pct(0.95):F1} ms, max {latencies[^1]:F1} ms"));
return 0;

static System.Threading.Channels.Channel<long> Channel() => System.Threading.Channels.Channel.CreateUnbounded<long>();

internal sealed record Message(string? Client, string Kind, string Summary);

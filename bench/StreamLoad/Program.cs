using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

// Opens N streamed chat completions (POST URL/v1/chat/completions, "stream": true) all at once or R a second, reads
// each as it arrives, and prints one line:
//   STREAM streams=… ok=… errors=… [error_KIND=…] first_p50_ms=… … gap_max_ms=… chunks=… prompt_tokens=… …
// First chunk: from sending the request to its first content chunk. Gap: between consecutive content chunks of a
// stream. A stream is ok when it answered 200, every event was JSON, it reported usage whose completion tokens equal
// the content chunks it carried, and it ended with [DONE].
//   --url U --key K --model M --streams N [--rate R (0: all at once)] [--timeout-s S (300)]
var settings = Settings.Parse(args);
var target = new Uri(settings.Url.TrimEnd('/') + "/v1/chat/completions");
var body = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
{
    model = settings.Model,
    stream = true,
    stream_options = new { include_usage = true },
    messages = new[] { new { role = "user", content = "Say hello." } },
}));

// One handler for every stream: no cap per server (the default), so N streams hold N connections at once.
using var client = new HttpClient(new SocketsHttpHandler
{
    MaxConnectionsPerServer = int.MaxValue,
    // Long enough for a SYN dropped by a full accept queue to be retried four times (1 + 2 + 4 + 8 + 16 s): a slow
    // accept then shows in the first-chunk times, not as an error that stops the run.
    ConnectTimeout = TimeSpan.FromSeconds(60),
    PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
})
{ Timeout = Timeout.InfiniteTimeSpan };
using var giveUp = new CancellationTokenSource(TimeSpan.FromSeconds(settings.TimeoutSeconds));

// This process's own first-call costs (JIT, the handler's first connection) kept out of the figures: one uncharged
// call before the clock starts, and one chunk parsed.
using (var models = new HttpRequestMessage(HttpMethod.Get, new Uri(settings.Url.TrimEnd('/') + "/v1/models")))
{
    models.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.Key);
    using var answer = await client.SendAsync(models, giveUp.Token);
    await answer.Content.ReadAsStringAsync(giveUp.Token);
    JsonDocument.Parse("""{"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":1}}""").Dispose();
}

var errors = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
var inFlight = 0;
var peakInFlight = 0;
var started = Stopwatch.GetTimestamp();
var runs = new Task<StreamResult?>[settings.Streams];
for (var i = 0; i < settings.Streams; i++)
{
    if (settings.Rate > 0)
    {
        // Paced against the start, not the last send, so timer slack does not add up over thousands of streams.
        var due = started + (long)(i * Stopwatch.Frequency / settings.Rate);
        var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
        if (wait > TimeSpan.Zero) await Task.Delay(wait);
    }
    runs[i] = RunOneAsync();
}
var results = await Task.WhenAll(runs);
var elapsed = Stopwatch.GetElapsedTime(started);

var ok = results.Where(r => r is not null).Select(r => r!).ToList();
var firsts = ok.Select(r => r.FirstChunkMs).Order().ToArray();
var gaps = ok.SelectMany(r => r.GapsMs).Order().ToArray();
var line = new StringBuilder("STREAM");
void Add(string name, object value) => line.Append(CultureInfo.InvariantCulture, $" {name}={value}");
Add("streams", settings.Streams);
Add("ok", ok.Count);
Add("errors", settings.Streams - ok.Count);
foreach (var (kind, count) in errors.OrderBy(e => e.Key, StringComparer.Ordinal)) Add("error_" + kind, count);
Add("first_p50_ms", Percentile(firsts, 0.50));
Add("first_p99_ms", Percentile(firsts, 0.99));
Add("first_max_ms", Percentile(firsts, 1));
Add("gap_p50_ms", Percentile(gaps, 0.50));
Add("gap_p99_ms", Percentile(gaps, 0.99));
Add("gap_max_ms", Percentile(gaps, 1));
Add("chunks", ok.Sum(r => (long)r.Chunks));
Add("prompt_tokens", ok.Sum(r => r.PromptTokens));
Add("completion_tokens", ok.Sum(r => r.CompletionTokens));
Add("peak_open", peakInFlight);
Add("elapsed_s", elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture));
Add("cpu_s", Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture));
Console.WriteLine(line);
return 0;

// One stream, read line by line as it arrives; null (and its error counted by kind) when it is not ok.
async Task<StreamResult?> RunOneAsync()
{
    var open = Interlocked.Increment(ref inFlight);
    InterlockedMax(ref peakInFlight, open);
    try
    {
        return await ReadStreamAsync();
    }
    catch (OperationCanceledException)
    {
        return Failed("timeout");
    }
    catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.ConnectionError)
    {
        return Failed("connect");
    }
    catch (Exception e) when (e is HttpRequestException or IOException)
    {
        return Failed("broken");
    }
    finally
    {
        Interlocked.Decrement(ref inFlight);
    }
}

async Task<StreamResult?> ReadStreamAsync()
{
    var sent = Stopwatch.GetTimestamp();
    using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new ByteArrayContent(body) };
    request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.Key);
    using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, giveUp.Token);
    if (!response.IsSuccessStatusCode) return Failed("http_" + (int)response.StatusCode);

    using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(giveUp.Token));
    var result = new StreamResult();
    long last = 0;
    var done = false;
    var usage = false;
    while (await reader.ReadLineAsync(giveUp.Token) is { } line)
    {
        if (!line.StartsWith("data:", StringComparison.Ordinal)) continue;
        var data = line.AsSpan(5).Trim();
        if (data.SequenceEqual("[DONE]"))
        {
            done = true;
            continue;
        }
        var now = Stopwatch.GetTimestamp();
        using var chunk = ParseOrNull(data);
        if (chunk is null) return Failed("not_json");
        var root = chunk.RootElement;
        if (root.TryGetProperty("error", out _)) return Failed("in_band_error");
        if (root.TryGetProperty("usage", out var reported) && reported.ValueKind == JsonValueKind.Object)
        {
            usage = true;
            result.PromptTokens += reported.GetProperty("prompt_tokens").GetInt64();
            result.CompletionTokens += reported.GetProperty("completion_tokens").GetInt64();
        }
        if (!root.TryGetProperty("choices", out var choices) || choices.GetArrayLength() == 0) continue;
        if (result.Chunks == 0) result.FirstChunkMs = Stopwatch.GetElapsedTime(sent, now).TotalMilliseconds;
        else result.GapsMs.Add(Stopwatch.GetElapsedTime(last, now).TotalMilliseconds);
        last = now;
        result.Chunks++;
    }
    if (!done) return Failed("no_done");
    if (!usage) return Failed("no_usage");
    if (result.CompletionTokens != result.Chunks) return Failed("usage_not_chunks");
    return result;
}

StreamResult? Failed(string kind)
{
    errors.AddOrUpdate(kind, 1, (_, n) => n + 1);
    return null;
}

static JsonDocument? ParseOrNull(ReadOnlySpan<char> data)
{
    try
    {
        return JsonDocument.Parse(data.ToString());
    }
    catch (JsonException)
    {
        return null;
    }
}

static void InterlockedMax(ref int peak, int value)
{
    var seen = Volatile.Read(ref peak);
    while (value > seen && Interlocked.CompareExchange(ref peak, value, seen) is var was && was != seen) seen = was;
}

// Nearest rank; "-" when nothing was measured.
static string Percentile(double[] sorted, double p) =>
    sorted.Length == 0 ? "-" : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)].ToString("0.0", CultureInfo.InvariantCulture);

internal sealed class StreamResult
{
    public double FirstChunkMs { get; set; }
    public List<double> GapsMs { get; } = new(64);
    public int Chunks { get; set; }
    public long PromptTokens { get; set; }
    public long CompletionTokens { get; set; }
}

internal sealed record Settings(string Url, string Key, string Model, int Streams, double Rate, int TimeoutSeconds)
{
    public static Settings Parse(string[] args)
    {
        var named = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2) named[args[i].TrimStart('-')] = args[i + 1];
        string Get(string name, string? fallback = null) =>
            named.TryGetValue(name, out var value) ? value : fallback ?? throw new ArgumentException($"--{name} is required");
        return new(Get("url"), Get("key"), Get("model"), int.Parse(Get("streams"), CultureInfo.InvariantCulture),
            double.Parse(Get("rate", "0"), CultureInfo.InvariantCulture), int.Parse(Get("timeout-s", "300"), CultureInfo.InvariantCulture));
    }
}

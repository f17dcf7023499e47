using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using Lumen.Domain.Models;

namespace Lumen.Infrastructure.Gateway.Upstream;

/// <summary>
/// Sends chat requests to a model's OpenAI-compatible endpoints, round-robin. One pooled <see cref="HttpClient"/>
/// per endpoint URL, kept for the life of the process (connection reuse; DNS refreshed by the pool's lifetime).
/// </summary>
public sealed class UpstreamClients : IDisposable
{
    // Read by every call, added to once per endpoint URL: two racing first calls may each build a client, one is kept.
    private readonly ConcurrentDictionary<string, HttpClient> _clients = new(StringComparer.Ordinal);
    // A turn per model: with one shared counter, calls to other models in between would skew (or pin) a model's rotation.
    private readonly ConcurrentDictionary<string, StrongBox<long>> _turns = new(StringComparer.Ordinal);

    /// <summary>The next endpoint of the model, in turn; null when the model has none.</summary>
    public ModelEndpoint? Next(ModelDefinition model)
    {
        if (model.Endpoints.Count == 0) return null;
        var turn = _turns.GetOrAdd(model.Name, _ => new StrongBox<long>());
        return model.Endpoints[(int)((ulong)Interlocked.Increment(ref turn.Value) % (ulong)model.Endpoints.Count)];
    }

    /// <summary>
    /// Posts <paramref name="body"/> (already carrying the upstream model id) to the endpoint's <paramref name="path"/>;
    /// returns once headers arrive so a stream can be passed on as it comes.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(ModelEndpoint endpoint, string path, ReadOnlyMemory<byte> body, CancellationToken ct)
    {
        var content = new ReadOnlyMemoryContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url.TrimEnd('/') + path) { Content = content };
        var key = endpoint.ApiKey ?? (endpoint.ApiKeyEnv is { } env ? Environment.GetEnvironmentVariable(env) : null);
        if (!string.IsNullOrEmpty(key)) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return await ClientFor(endpoint.Url).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
    }

    private HttpClient ClientFor(string url) =>
        _clients.TryGetValue(url, out var client) ? client : _clients.GetOrAdd(url, static _ =>
        {
            var handler = new SocketsHttpHandler
            {
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                ConnectTimeout = TimeSpan.FromSeconds(10),
                AutomaticDecompression = System.Net.DecompressionMethods.All,
            };
            // No timeout of its own: the answerer bounds the whole answer, headers and body alike (§15).
            return new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        });

    public void Dispose()
    {
        foreach (var client in _clients.Values) client.Dispose();
        _clients.Clear();
    }
}

using System.Collections.Concurrent;
using System.Net.Http.Headers;
using Lumen.Domain.Models;

namespace Lumen.Infrastructure.Gateway.Upstream;

/// <summary>
/// Sends requests to models' OpenAI-compatible endpoints (which one: <see cref="EndpointRouter"/>). One pooled
/// <see cref="HttpClient"/> per endpoint URL, kept for the life of the process (connection reuse; DNS refreshed by the
/// pool's lifetime).
/// </summary>
public sealed class UpstreamClients : IDisposable
{
    // Read by every call, added to once per endpoint URL: two racing first calls may each build a client, one is kept.
    private readonly ConcurrentDictionary<string, HttpClient> _clients = new(StringComparer.Ordinal);

    /// <summary>
    /// Posts <paramref name="body"/> (already carrying the upstream model id) to the endpoint's <paramref name="path"/>;
    /// returns once headers arrive so a stream can be passed on as it comes.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(ModelEndpoint endpoint, string path, ReadOnlyMemory<byte> body, CancellationToken ct)
    {
        var content = new ReadOnlyMemoryContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        using var request = Request(HttpMethod.Post, endpoint, path);
        request.Content = content;
        return await ClientFor(endpoint.Url).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
    }

    /// <summary>The health probe (§20): <c>GET {url}/models</c> with the endpoint's key; its body is not read.</summary>
    public async Task<HttpResponseMessage> ProbeAsync(ModelEndpoint endpoint, CancellationToken ct)
    {
        using var request = Request(HttpMethod.Get, endpoint, "/models");
        return await ClientFor(endpoint.Url).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
    }

    private static HttpRequestMessage Request(HttpMethod method, ModelEndpoint endpoint, string path)
    {
        var request = new HttpRequestMessage(method, endpoint.Url.TrimEnd('/') + path);
        var key = endpoint.ApiKey ?? (endpoint.ApiKeyEnv is { } env ? Environment.GetEnvironmentVariable(env) : null);
        if (!string.IsNullOrEmpty(key)) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return request;
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

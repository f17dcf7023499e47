using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Lumen.Tests.Gateway;

/// <summary>
/// Raw HTTP against the gateway, for what the SDK would not send or would hide: the status, OpenAI's error body, the
/// events of a stream (with an in-band error), and whether the stream ended with <c>[DONE]</c> or broke off.
/// </summary>
internal sealed record RawAnswer(int Status, HttpResponseHeaders Headers, JsonObject? Error, IReadOnlyList<string> Events, bool Broken)
{
    /// <summary>A whole (non-streamed) answer's JSON.</summary>
    public JsonNode? Body { get; init; }

    public bool Done => Events.Contains("[DONE]");

    /// <summary>The in-band <c>error</c> event of a stream that failed after it began.</summary>
    public JsonObject? StreamError => Events.Select(Parse).OfType<JsonObject>().Select(e => e["error"]).OfType<JsonObject>().LastOrDefault();

    /// <summary>Asserts OpenAI's error shape, with our code and type, in the body or in-band.</summary>
    public JsonObject ShouldBeError(string type, string code)
    {
        var error = (Error ?? StreamError).Should().NotBeNull("an error in OpenAI's shape").And.BeOfType<JsonObject>().Subject;
        error["type"]!.GetValue<string>().Should().Be(type);
        error["code"]!.GetValue<string>().Should().Be(code);
        error["message"]!.GetValue<string>().Should().NotBeNullOrWhiteSpace();
        return error;
    }

    private static JsonNode? Parse(string data)
    {
        try
        {
            return JsonNode.Parse(data);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    public static async Task<RawAnswer> PostAsync(Uri baseAddress, string? key, byte[] body, string path = "/v1/chat/completions")
    {
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (key is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var status = (int)response.StatusCode;
        if (response.Content.Headers.ContentType?.MediaType != "text/event-stream")
        {
            var text = await response.Content.ReadAsStringAsync();
            var json = text.Length > 0 ? JsonNode.Parse(text) : null;
            return new RawAnswer(status, response.Headers, json?["error"] as JsonObject, [], false) { Body = json };
        }
        var events = new List<string>();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        try
        {
            while (await reader.ReadLineAsync() is { } line)
                if (line.StartsWith("data:", StringComparison.Ordinal)) events.Add(line[5..].Trim());
            return new RawAnswer(status, response.Headers, null, events, false);
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            return new RawAnswer(status, response.Headers, null, events, true);
        }
    }

    public static async Task<RawAnswer> GetAsync(Uri baseAddress, string? key, string path)
    {
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (key is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var json = text.Length > 0 ? JsonNode.Parse(text) : null;
        return new RawAnswer((int)response.StatusCode, response.Headers, json?["error"] as JsonObject, [], false) { Body = json };
    }

    public static Task<RawAnswer> PostAsync(Uri baseAddress, string? key, string json, string path = "/v1/chat/completions") =>
        PostAsync(baseAddress, key, Encoding.UTF8.GetBytes(json), path);

    public static string Chat(string model, bool stream = false) =>
        $$"""{"model":"{{model}}","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"hi"}]}""";
}

using System.Net.Http.Headers;
using System.Text;

namespace Lumen.Tests.Gateway.Capacity;

/// <summary>A chat call whose message is a tag, so a <see cref="SlotCountingServer"/> records which call it was.</summary>
internal static class TaggedCall
{
    /// <summary>Sends it to the portal at <paramref name="portal"/> and reads the answer in full.</summary>
    public static async Task<HttpResponseMessage> SendAsync(HttpClient http, Uri portal, string key, string model, string tag, CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(portal, "v1/chat/completions"))
        {
            Content = new StringContent($$"""{"model":"{{model}}","messages":[{"role":"user","content":"{{tag}}"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var response = await http.SendAsync(request, ct);
        await response.Content.LoadIntoBufferAsync(ct);
        return response;
    }
}

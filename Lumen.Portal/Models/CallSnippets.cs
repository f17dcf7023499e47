using System.Text.Json;

namespace Lumen.Portal.Models;

/// <summary>
/// How to call a model through this portal (§20): curl, the OpenAI Python SDK and the JavaScript SDK, with the portal's
/// public base URL, the model's name and a placeholder for the key. Names are written as JSON string literals (valid
/// Python and JavaScript too), so a model name with a quote cannot break a snippet.
/// </summary>
public static class CallSnippets
{
    public static IReadOnlyList<(string Language, string Code)> For(string baseUrl, string model)
    {
        var api = baseUrl.TrimEnd('/') + "/v1";
        var name = JsonSerializer.Serialize(model);
        var body = $$"""{"model": {{name}}, "messages": [{"role": "user", "content": "Hello"}]}""";
        return
        [
            ("curl", $"""
                curl {api}/chat/completions \
                  -H "Authorization: Bearer $LUMEN_API_KEY" \
                  -H "Content-Type: application/json" \
                  -d '{body.Replace("'", "'\\''", StringComparison.Ordinal)}'
                """),
            ("Python", $$"""
                from openai import OpenAI

                client = OpenAI(base_url={{JsonSerializer.Serialize(api)}}, api_key="YOUR_LUMEN_API_KEY")
                reply = client.chat.completions.create(
                    model={{name}},
                    messages=[{"role": "user", "content": "Hello"}],
                )
                print(reply.choices[0].message.content)
                """),
            ("JavaScript", $$"""
                import OpenAI from "openai";

                const client = new OpenAI({ baseURL: {{JsonSerializer.Serialize(api)}}, apiKey: process.env.LUMEN_API_KEY });
                const reply = await client.chat.completions.create({
                  model: {{name}},
                  messages: [{ role: "user", content: "Hello" }],
                });
                console.log(reply.choices[0].message.content);
                """),
        ];
    }
}

using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Lumen.Infrastructure.Gateway.Embeddings;

/// <summary>
/// The built-in <c>dummy</c> model's embeddings: for each input a unit vector derived from its text by SHA-256, so the
/// same input always gets the same vector and tests can assert values. <see cref="DefaultDimensions"/> unless asked.
/// </summary>
internal sealed class DummyEmbeddingsAnswerer : IAnswerer
{
    public static readonly DummyEmbeddingsAnswerer Instance = new();
    public const int DefaultDimensions = 16;
    public const int MaxDimensions = 4096;

    public async Task<Answer> AnswerAsync(AdmittedCall admitted, ICallOutput output, CancellationToken callerGone)
    {
        var request = (EmbeddingsRequest)admitted.Request;
        var dimensions = request.Dimensions ?? DefaultDimensions;
        if (dimensions > MaxDimensions)
            return Answer.Failed(GatewayError.BadRequest($"The dummy model makes vectors of at most {MaxDimensions} dimensions."));
        var data = new JsonArray();
        for (var i = 0; i < request.Inputs.Count; i++)
        {
            var vector = Vector(request.Inputs[i].Text, dimensions);
            data.Add(new JsonObject
            {
                ["object"] = "embedding",
                ["index"] = i,
                ["embedding"] = request.Base64 ? Base64(vector) : new JsonArray([.. vector.Select(v => (JsonNode)v)]),
            });
        }
        var tokens = request.EstimatedInputTokens;
        await output.SendAsync(new JsonObject
        {
            ["object"] = "list",
            ["data"] = data,
            ["model"] = admitted.Model.Name,
            ["usage"] = new JsonObject { ["prompt_tokens"] = tokens, ["total_tokens"] = tokens },
        });
        return Answer.Completed(new TokenUsage(tokens, 0));
    }

    /// <summary>
    /// Components from SHA-256 of the text and a block number (32 a block), each byte mapped to [-1, 1], the whole
    /// scaled to length 1.
    /// </summary>
    public static float[] Vector(string text, int dimensions)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var raw = new double[dimensions];
        for (var block = 0; block * 32 < dimensions; block++)
        {
            var hash = SHA256.HashData([.. bytes, (byte)(block & 0xFF), (byte)(block >> 8)]);
            for (var j = 0; j < 32 && block * 32 + j < dimensions; j++) raw[block * 32 + j] = (hash[j] - 127.5) / 127.5;
        }
        var length = Math.Sqrt(raw.Sum(v => v * v));
        return [.. raw.Select(v => (float)(v / length))];
    }

    private static string Base64(float[] vector)
    {
        var bytes = new byte[vector.Length * sizeof(float)];
        for (var i = 0; i < vector.Length; i++) System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), vector[i]);
        return Convert.ToBase64String(bytes);
    }
}

using System.Security.Cryptography;
using System.Text;

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
    private const int FlushBytes = 64 * 1024;

    public async Task<Answer> AnswerAsync(AdmittedCall admitted, ICallOutput output, CancellationToken callerGone)
    {
        var request = (EmbeddingsRequest)admitted.Request;
        var dimensions = request.Dimensions ?? DefaultDimensions;
        if (dimensions > MaxDimensions)
            return Answer.Failed(GatewayError.BadRequest($"The dummy model makes vectors of at most {MaxDimensions} dimensions."));
        var tokens = request.EstimatedInputTokens;
        await output.WriteAsync(async json =>
        {
            json.WriteStartObject();
            json.WriteString("object", "list");
            json.WriteStartArray("data");
            for (var i = 0; i < request.Inputs.Count; i++)
            {
                callerGone.ThrowIfCancellationRequested();
                var vector = Vector(request.Inputs[i].Text, dimensions);
                json.WriteStartObject();
                json.WriteString("object", "embedding");
                json.WriteNumber("index", i);
                if (request.Base64) json.WriteBase64String("embedding", Bytes(vector));
                else
                {
                    json.WriteStartArray("embedding");
                    foreach (var v in vector) json.WriteNumberValue(v);
                    json.WriteEndArray();
                }
                json.WriteEndObject();
                // Out as it is made: 2,048 vectors of 4,096 floats are some 80 MB of JSON, which must never be held whole.
                if (json.BytesPending >= FlushBytes) await json.FlushAsync(CancellationToken.None);
            }
            json.WriteEndArray();
            json.WriteString("model", admitted.Model.Name);
            json.WriteStartObject("usage");
            json.WriteNumber("prompt_tokens", tokens);
            json.WriteNumber("total_tokens", tokens);
            json.WriteEndObject();
            json.WriteEndObject();
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

    /// <summary>The vector as <c>encoding_format: base64</c> carries it: little-endian float32s.</summary>
    private static byte[] Bytes(float[] vector)
    {
        var bytes = new byte[vector.Length * sizeof(float)];
        for (var i = 0; i < vector.Length; i++) System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), vector[i]);
        return bytes;
    }
}

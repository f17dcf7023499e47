using System.Text.Json.Nodes;
using Lumen.Infrastructure.Gateway.Chat;

namespace Lumen.Infrastructure.Gateway.Responses;

/// <summary>
/// The built-in <c>dummy</c> model's Responses answers: the chat dummy's reply to the latest input, whole, or streamed in
/// OpenAI's own event sequence, from <c>response.created</c> to <c>response.completed</c> with the usage.
/// </summary>
internal sealed class DummyResponsesAnswerer : IAnswerer
{
    public static readonly DummyResponsesAnswerer Instance = new();

    public async Task<Answer> AnswerAsync(AdmittedCall admitted, ICallOutput output, CancellationToken callerGone)
    {
        var request = (ResponsesRequest)admitted.Request;
        var reply = DummyModel.Answer([("user", request.Texts[^1])]);
        var usage = new TokenUsage(request.EstimatedInputTokens, reply.OutputTokens);
        var id = $"resp_{Guid.NewGuid():N}";
        var messageId = $"msg_{Guid.NewGuid():N}";
        var created = admitted.Started.ToUnixTimeSeconds();
        var model = admitted.Model.Name;
        if (!request.Stream)
        {
            await output.SendAsync(ResponseShapes.Response(id, created, model, messageId, reply.Text, usage));
            return Answer.Completed(usage);
        }

        var events = new EventWriter(output);
        await events.SendAsync("response.created", new JsonObject { ["response"] = ResponseShapes.Response(id, created, model, null, null, null) });
        await events.SendAsync("response.in_progress", new JsonObject { ["response"] = ResponseShapes.Response(id, created, model, null, null, null) });
        await events.SendAsync("response.output_item.added", new JsonObject { ["output_index"] = 0, ["item"] = ResponseShapes.Message(messageId, null, "in_progress") });
        await events.SendAsync("response.content_part.added", Part(messageId, ResponseShapes.Part("")));
        var sent = 0;
        foreach (var piece in reply.Pieces())
        {
            if (callerGone.IsCancellationRequested) return Answer.CallerLeft(usage with { Output = TokenEstimate.Of(reply.Text[..sent]) });
            await events.SendAsync("response.output_text.delta", Text(messageId, "delta", piece));
            sent += piece.Length;
        }
        await events.SendAsync("response.output_text.done", Text(messageId, "text", reply.Text));
        await events.SendAsync("response.content_part.done", Part(messageId, ResponseShapes.Part(reply.Text)));
        await events.SendAsync("response.output_item.done", new JsonObject { ["output_index"] = 0, ["item"] = ResponseShapes.Message(messageId, reply.Text, "completed") });
        await events.SendAsync("response.completed", new JsonObject { ["response"] = ResponseShapes.Response(id, created, model, messageId, reply.Text, usage) });
        return Answer.Completed(usage);
    }

    private static JsonObject Part(string itemId, JsonObject part) =>
        new() { ["item_id"] = itemId, ["output_index"] = 0, ["content_index"] = 0, ["part"] = part };

    private static JsonObject Text(string itemId, string name, string text) =>
        new() { ["item_id"] = itemId, ["output_index"] = 0, ["content_index"] = 0, [name] = text };

    /// <summary>Named events with their type and sequence number in the data, as OpenAI sends them.</summary>
    private sealed class EventWriter(ICallOutput output)
    {
        private int _sequence;

        public Task SendAsync(string type, JsonObject data)
        {
            var ordered = new JsonObject { ["type"] = type, ["sequence_number"] = _sequence++ };
            foreach (var (key, value) in data.ToList())
            {
                data.Remove(key);
                ordered[key] = value;
            }
            return output.SendEventsAsync($"event: {type}\ndata: {ordered.ToJsonString()}\n\n");
        }
    }
}

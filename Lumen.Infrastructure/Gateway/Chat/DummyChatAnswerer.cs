using System.Text.Json.Nodes;

namespace Lumen.Infrastructure.Gateway.Chat;

/// <summary>The built-in <c>dummy</c> model's chat answers (<see cref="DummyModel"/>), whole or streamed word by word.</summary>
internal sealed class DummyChatAnswerer : IAnswerer
{
    public static readonly DummyChatAnswerer Instance = new();

    public async Task<Answer> AnswerAsync(AdmittedCall admitted, ICallOutput output, CancellationToken callerGone)
    {
        var request = (ChatRequest)admitted.Request;
        var reply = DummyModel.Answer(request.Messages);
        var id = $"chatcmpl-{Guid.NewGuid():N}";
        var created = admitted.Started.ToUnixTimeSeconds();
        var name = admitted.Model.Name;
        if (!request.Stream)
        {
            await output.SendAsync(ChatShapes.Completion(id, created, name, reply.Text, reply.InputTokens, reply.OutputTokens));
            return Answer.Completed(new TokenUsage(reply.InputTokens, reply.OutputTokens));
        }
        var sent = 0;
        await output.SendEventAsync(ChatShapes.Chunk(id, created, name, new JsonObject { ["role"] = "assistant", ["content"] = "" }));
        foreach (var piece in reply.Pieces())
        {
            if (callerGone.IsCancellationRequested) break;
            await output.SendEventAsync(ChatShapes.Chunk(id, created, name, new JsonObject { ["content"] = piece }));
            sent += piece.Length;
        }
        if (callerGone.IsCancellationRequested)
            return Answer.CallerLeft(new TokenUsage(reply.InputTokens, TokenEstimate.Of(reply.Text[..sent])));
        await output.SendEventAsync(ChatShapes.Chunk(id, created, name, new JsonObject(), "stop"));
        await output.SendEventAsync(ChatShapes.Chunk(id, created, name, null, usage: ChatShapes.Usage(reply.InputTokens, reply.OutputTokens)));
        await output.SendDoneAsync();
        return Answer.Completed(new TokenUsage(reply.InputTokens, reply.OutputTokens));
    }
}

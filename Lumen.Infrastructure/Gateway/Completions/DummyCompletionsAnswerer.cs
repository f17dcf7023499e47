using System.Text.Json.Nodes;
using Lumen.Infrastructure.Gateway.Chat;

namespace Lumen.Infrastructure.Gateway.Completions;

/// <summary>The built-in <c>dummy</c> model's legacy completions: the chat dummy's reply to the last prompt, whole or word by word.</summary>
internal sealed class DummyCompletionsAnswerer : IAnswerer
{
    public static readonly DummyCompletionsAnswerer Instance = new();

    public async Task<Answer> AnswerAsync(AdmittedCall admitted, ICallOutput output, CancellationToken callerGone)
    {
        var request = (CompletionsRequest)admitted.Request;
        var reply = DummyModel.Answer([("user", request.Prompts[^1].Text)]);
        var usage = new TokenUsage(request.EstimatedInputTokens, reply.OutputTokens);
        var id = $"cmpl-{Guid.NewGuid():N}";
        var created = admitted.Started.ToUnixTimeSeconds();
        var model = admitted.Model.Name;
        if (!request.Stream)
        {
            await output.SendAsync(Completion(id, created, model, reply.Text, "stop", usage));
            return Answer.Completed(usage);
        }
        var sent = 0;
        foreach (var piece in reply.Pieces())
        {
            if (callerGone.IsCancellationRequested) return Answer.CallerLeft(usage with { Output = TokenEstimate.Of(reply.Text[..sent]) });
            await output.SendEventAsync(Completion(id, created, model, piece, null, null));
            sent += piece.Length;
        }
        await output.SendEventAsync(Completion(id, created, model, "", "stop", null));
        var last = Completion(id, created, model, null, null, usage);
        await output.SendEventAsync(last);
        await output.SendDoneAsync();
        return Answer.Completed(usage);
    }

    /// <summary>A <c>text_completion</c>, whole or one chunk of a stream (no choices: the usage chunk).</summary>
    private static JsonObject Completion(string id, long created, string model, string? text, string? finish, TokenUsage? usage)
    {
        var completion = new JsonObject
        {
            ["id"] = id,
            ["object"] = "text_completion",
            ["created"] = created,
            ["model"] = model,
            ["choices"] = text is null ? new JsonArray() : new JsonArray(new JsonObject
            {
                ["text"] = text,
                ["index"] = 0,
                ["logprobs"] = null,
                ["finish_reason"] = finish,
            }),
        };
        if (usage is { } u) completion["usage"] = ChatShapes.Usage(u.Input, u.Output);
        return completion;
    }
}

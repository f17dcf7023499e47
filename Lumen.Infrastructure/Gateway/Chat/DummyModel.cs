namespace Lumen.Infrastructure.Gateway.Chat;

/// <summary>The built-in <c>dummy</c> model: a deterministic answer and token counts, no upstream.</summary>
public static class DummyModel
{
    private const int EchoLimit = 200;

    /// <summary>The reply to a conversation whose texts are <paramref name="messages"/> (role, content).</summary>
    public static DummyReply Answer(IReadOnlyList<(string Role, string Content)> messages)
    {
        var lastUser = messages.LastOrDefault(m => m.Role == "user").Content ?? "";
        var echo = lastUser.Length > EchoLimit ? lastUser[..EchoLimit] + "…" : lastUser;
        var text = echo.Length == 0 ? "Hello from the Lumen dummy model." : $"Hello from the Lumen dummy model. You said: {echo}";
        // A few tokens of overhead per message, as chat formats have.
        var input = messages.Sum(m => TokenEstimate.Of(m.Content) + 3);
        return new DummyReply(text, input, TokenEstimate.Of(text));
    }
}

public sealed record DummyReply(string Text, long InputTokens, long OutputTokens)
{
    /// <summary>The reply cut into stream pieces: words with their following space.</summary>
    public IEnumerable<string> Pieces()
    {
        var start = 0;
        for (var i = 0; i < Text.Length; i++)
        {
            if (Text[i] != ' ') continue;
            yield return Text[start..(i + 1)];
            start = i + 1;
        }
        if (start < Text.Length) yield return Text[start..];
    }
}

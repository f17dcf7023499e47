using System.ClientModel;
using System.Text.Json.Nodes;
using OpenAI.Chat;

namespace Lumen.Tests.Gateway;

internal static class GatewayAssertions
{
    public static readonly ChatMessage[] Hello = [new UserChatMessage("hi")];

    /// <summary>
    /// Asserts the SDK call fails with <paramref name="status"/> and our <paramref name="code"/> in OpenAI's error shape,
    /// and that the SDK's own message names the code (what a caller sees in a stack trace).
    /// </summary>
    public static async Task<JsonObject> RefusedAsync(Func<Task> call, int status, string code)
    {
        var e = (await call.Should().ThrowAsync<ClientResultException>()).Which;
        e.Status.Should().Be(status);
        e.Message.Should().Contain(code);
        var body = JsonNode.Parse(e.GetRawResponse()!.Content.ToString())!["error"]!.AsObject();
        body["code"]!.GetValue<string>().Should().Be(code);
        body["message"]!.GetValue<string>().Should().NotBeNullOrWhiteSpace();
        body["type"]!.GetValue<string>().Should().NotBeNullOrWhiteSpace();
        return body;
    }

    public static Task<JsonObject> RefusedAsync(this ChatClient chat, int status, string code) =>
        RefusedAsync(() => chat.CompleteChatAsync(Hello), status, code);
}

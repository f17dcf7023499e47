using Lumen.Infrastructure.Persistence;
using Lumen.Tests.Infrastructure.Databases;

namespace Lumen.Tests.Gateway;

/// <summary>
/// Text a caller writes that a database cannot hold as it is (§15): escaped lone surrogates are a 400, NUL and a name
/// cut to the column are stored in a storable form, and a refused body keeps the model it named; alike on every
/// database, every operation, each call logged once.
/// </summary>
[Collection("postgres")]
public sealed class GatewayRequestTextTests(PostgresServer postgres)
{
    private static readonly string[] Paths = ["/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/v1/responses"];

    /// <summary>A well-formed body for <paramref name="path"/> naming <paramref name="model"/> (JSON text, escapes as they are).</summary>
    private static string Body(string path, string model) => path == "/v1/chat/completions"
        ? $$"""{"model":"{{model}}","messages":[{"role":"user","content":"hi"}]}"""
        : path == "/v1/completions" ? $$"""{"model":"{{model}}","prompt":"hi"}""" : $$"""{"model":"{{model}}","input":"hi"}""";

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Escaped_lone_surrogates_anywhere_are_a_400_logged_once(DatabaseProviderKind provider)
    {
        await using var gateway = await GatewayOnDatabase.StartAsync(provider, postgres);
        var client = await gateway.Host.NewClientAsync();
        var bodies = Paths.Select(p => (p, Body(p, @"a\ud800b"))).Concat(
        [
            ("/v1/chat/completions", """{"model":"dummy","messages":[{"role":"user","content":"x\udc00"}]}"""),
            ("/v1/chat/completions", """{"model":"dummy","user":"\ud800","messages":[{"role":"user","content":"hi"}]}"""),
            ("/v1/embeddings", """{"model":"dummy","input":"hi","\udfff":1}"""),
        ]).ToList();

        foreach (var (path, body) in bodies)
        {
            var answer = await RawAnswer.PostAsync(gateway.Host.BaseAddress, client.Key, body, path);
            answer.Status.Should().Be(400, body);
            answer.ShouldBeError("invalid_request_error", "invalid_request")["message"]!.GetValue<string>().Should().Contain("Unicode");
        }
        var pair = await RawAnswer.PostAsync(gateway.Host.BaseAddress, client.Key,
            """{"model":"dummy","messages":[{"role":"user","content":"\ud83d\ude00"}]}""");

        pair.Status.Should().Be(200, "an escaped surrogate pair is one valid character");
        var rows = await client.LogAsync(bodies.Count + 1);
        rows.Should().HaveCount(bodies.Count + 1);
        rows.Take(bodies.Count).Should().OnlyContain(r => r.Status == 400 && r.ErrorCode == "invalid_request" && r.Outcome == "invalid_request");
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task A_model_name_holding_NUL_is_a_404_logged_once_with_NUL_stored_as_U_FFFD(DatabaseProviderKind provider)
    {
        await using var gateway = await GatewayOnDatabase.StartAsync(provider, postgres);
        var client = await gateway.Host.NewClientAsync();

        foreach (var path in Paths)
        {
            var answer = await RawAnswer.PostAsync(gateway.Host.BaseAddress, client.Key, Body(path, @"a\u0000b"), path);
            answer.Status.Should().Be(404, path);
            answer.ShouldBeError("invalid_request_error", "model_not_found");
        }

        var rows = await client.LogAsync(Paths.Length);
        rows.Should().HaveCount(Paths.Length).And.OnlyContain(r => r.Model == "a\uFFFDb" && r.Status == 404 && r.Outcome == "refused_access");
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task A_long_model_name_is_cut_to_the_column_between_characters(DatabaseProviderKind provider)
    {
        await using var gateway = await GatewayOnDatabase.StartAsync(provider, postgres);
        var client = await gateway.Host.NewClientAsync();
        var name = new string('x', 199); // the column holds 200 UTF-16 units: the pair would be cut in half

        var answer = await RawAnswer.PostAsync(gateway.Host.BaseAddress, client.Key, RawAnswer.Chat(name + @"\ud83d\ude00"));

        answer.Status.Should().Be(404);
        (await client.LogAsync(1)).Should().ContainSingle().Which.Model.Should().Be(name);
    }

    public static TheoryData<string, string> RefusedAfterTheModel => new()
    {
        { "/v1/responses", """{"model":"dummy","previous_response_id":"resp_1","input":"hi"}""" },
        { "/v1/chat/completions", """{"model":"dummy","messages":5}""" },
        { "/v1/chat/completions", """{"model":"dummy","stream":"yes","messages":[{"role":"user","content":"hi"}]}""" },
        { "/v1/completions", """{"model":"dummy"}""" },
        { "/v1/embeddings", """{"model":"dummy","input":"hi","encoding_format":"hex"}""" },
        { "/v1/chat/completions", """{"model":"dummy","messages":[{"role":"user","content":"x\udc00"}]}""" },
        { "/v1/chat/completions", """{"model":"dummy","messages":[{"role":"user","content":"the body breaks off""" },
    };

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task A_body_refused_after_its_model_was_read_is_logged_with_that_model(DatabaseProviderKind provider)
    {
        await using var gateway = await GatewayOnDatabase.StartAsync(provider, postgres);
        var client = await gateway.Host.NewClientAsync();
        var cases = RefusedAfterTheModel.Select(row => ((string)row[0], (string)row[1])).ToList();

        foreach (var (path, body) in cases)
            (await RawAnswer.PostAsync(gateway.Host.BaseAddress, client.Key, body, path)).Status.Should().Be(400, body);

        var rows = await client.LogAsync(cases.Count);
        rows.Should().HaveCount(cases.Count).And.OnlyContain(r => r.Model == "dummy" && r.Status == 400);
    }
}

using Lumen.Domain.ApiKeys;
using Lumen.Infrastructure.ApiKeys;
using Lumen.Infrastructure.Persistence;
using Lumen.Infrastructure.UseCases;
using Lumen.Tests.Infrastructure.Databases;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static Lumen.Tests.Gateway.GatewayAssertions;

namespace Lumen.Tests.Gateway;

/// <summary>
/// §22 at the gateway, on each database, with a fake clock: an expired key's refusal and what it says, rotation's grace
/// through the OpenAI SDK, each key's calls under its own id, and <c>/v1/me</c>'s <c>expires_at</c>.
/// </summary>
[Collection("postgres")]
public sealed class GatewayKeyLifecycleTests(PostgresServer postgres)
{
    private static readonly DateTimeOffset Start = new(2026, 6, 1, 8, 0, 0, TimeSpan.Zero);

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task An_expired_key_is_refused_with_invalid_api_key_saying_it_expired_and_when(DatabaseProviderKind provider)
    {
        var clock = new FakeTimeProvider(Start);
        await using var gateway = await GatewayOnDatabase.StartAsync(provider, postgres, clock);
        var client = await gateway.Host.NewClientAsync();
        var key = await KeyAsync(gateway, client, KeyLifetime.FromDays(30));
        var chat = gateway.Host.Sdk(key.FullKey).GetChatClient("dummy");
        var me = await RawAnswer.GetAsync(gateway.Host.BaseAddress, key.FullKey, "/v1/me");
        await chat.CompleteChatAsync(Hello);

        clock.Advance(TimeSpan.FromDays(30));
        var refused = await RefusedAsync(() => chat.CompleteChatAsync(Hello), 401, "invalid_api_key");
        var meRefused = await RawAnswer.GetAsync(gateway.Host.BaseAddress, key.FullKey, "/v1/me");

        me.Body!["key"]!["expires_at"]!.GetValue<string>().Should().Be("2026-07-01T08:00:00.000Z");
        refused["message"]!.GetValue<string>().Should().StartWith("This API key expired at 2026-07-01 08:00 UTC.");
        meRefused.Status.Should().Be(401);
        meRefused.Error!["message"]!.GetValue<string>().Should().Contain("expired at 2026-07-01 08:00 UTC");
        var log = await client.LogAsync(2);
        log.Select(r => (r.ApiKeyId, r.Status, r.ErrorCode)).Should().BeEquivalentTo(new (int?, int, string?)[] { (key.Id, 200, null), (key.Id, 401, "invalid_api_key") });
        (await RawAnswer.GetAsync(gateway.Host.BaseAddress, client.Key, "/v1/me")).Body!["key"]!["expires_at"].Should().BeNull(
            "a key that never expires says null");
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Rotated_keys_answer_through_their_grace_and_each_call_is_logged_under_its_own_key(DatabaseProviderKind provider)
    {
        var clock = new FakeTimeProvider(Start);
        await using var gateway = await GatewayOnDatabase.StartAsync(provider, postgres, clock);
        var client = await gateway.Host.NewClientAsync();
        var keys = gateway.Host.Services.GetRequiredService<ApiKeyService>();
        var hour = await KeyAsync(gateway, client, KeyLifetime.FromDays(90));
        var none = await KeyAsync(gateway, client, KeyLifetime.FromDays(90));

        var graced = (await keys.RotateAsync(Actor.Cli, client.Name, hour.PublicId, KeyGrace.Hour)).Unwrap();
        var atOnce = (await keys.RotateAsync(Actor.Cli, client.Name, none.PublicId, KeyGrace.None)).Unwrap();
        var oldChat = gateway.Host.Sdk(hour.FullKey).GetChatClient("dummy");
        var newChat = gateway.Host.Sdk(graced.Successor.FullKey).GetChatClient("dummy");

        await oldChat.CompleteChatAsync(Hello);
        await newChat.CompleteChatAsync(Hello);
        await gateway.Host.Sdk(none.FullKey).GetChatClient("dummy").RefusedAsync(401, "invalid_api_key");
        await gateway.Host.Sdk(atOnce.Successor.FullKey).GetChatClient("dummy").CompleteChatAsync(Hello);
        clock.Advance(TimeSpan.FromMinutes(59));
        await oldChat.CompleteChatAsync(Hello);
        clock.Advance(TimeSpan.FromMinutes(1));
        await oldChat.RefusedAsync(401, "invalid_api_key");
        await newChat.CompleteChatAsync(Hello);

        var ids = await IdsAsync(gateway, graced.Successor.Key.PublicId, atOnce.Successor.Key.PublicId);
        var log = await client.LogAsync(7);
        // Refusals and charges reach the log by different batches: the set is what counts, not the order of ids.
        log.Select(r => (r.ApiKeyId, r.Status)).Should().BeEquivalentTo(new (int?, int)[] {
            (hour.Id, 200), (ids[0], 200), (none.Id, 401), (ids[1], 200), (hour.Id, 200), (hour.Id, 401), (ids[0], 200) });
    }

    private static async Task<(string PublicId, string FullKey, int Id)> KeyAsync(GatewayOnDatabase gateway, TestClient client, KeyLifetime lifetime)
    {
        var created = (await gateway.Host.Services.GetRequiredService<ApiKeyService>()
            .CreateAsync(Actor.Cli, client.Name, "lifecycle", lifetime)).Unwrap();
        return (created.Key.PublicId, created.FullKey, (await IdsAsync(gateway, created.Key.PublicId))[0]);
    }

    private static async Task<int[]> IdsAsync(GatewayOnDatabase gateway, params string[] publicIds)
    {
        await using var db = await gateway.Host.DbAsync();
        var rows = await db.ApiKeys.Where(k => publicIds.Contains(k.PublicId)).Select(k => new { k.PublicId, k.Id }).ToListAsync();
        return [.. publicIds.Select(p => rows.Single(r => r.PublicId == p).Id)];
    }
}

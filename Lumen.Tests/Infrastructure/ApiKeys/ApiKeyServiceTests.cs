using System.Data.Common;
using System.Globalization;
using System.Text;
using Lumen.Domain.ApiKeys;
using Lumen.Infrastructure.ApiKeys;
using Lumen.Infrastructure.UseCases;
using Lumen.Infrastructure.Persistence;
using Lumen.Tests.Infrastructure.Databases;
using Microsoft.EntityFrameworkCore;

namespace Lumen.Tests.Infrastructure.ApiKeys;

/// <summary>§9: keys verify only whole and unrevoked, for an active client; the database never holds a secret.</summary>
[Collection("postgres")]
public sealed class ApiKeyServiceTests(PostgresServer postgres)
{
    private const string Base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task A_generated_key_verifies_and_any_changed_character_fails(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var portal = new TestPortal(db);
        var client = await portal.CreateClientAsync("alpha");
        await portal.CreateClientAsync("beta");
        await portal.CreateKeyAsync("beta");
        var key = await portal.CreateKeyAsync("alpha", "ci pipeline");

        key.FullKey.Should().MatchRegex("^lmn_[0-9A-Za-z]{12}_[0-9A-Za-z]{32,}$");
        key.Key.Name.Should().Be("ci pipeline");
        var check = await portal.Verifier.VerifyAsync(key.FullKey);
        check.Should().Be(new KeyCheck(KeyStatus.Valid, client.Id, "alpha", key.Id));

        // Every position of the public id (4..15) and of the secret (17..): one character changed, never valid.
        var changed = new List<(int Position, KeyStatus Status)>();
        for (var i = ApiKeyFormat.Prefix.Length; i < key.FullKey.Length; i++)
        {
            if (key.FullKey[i] == '_') continue;
            var status = (await portal.Verifier.VerifyAsync(ChangeAt(key.FullKey, i))).Status;
            changed.Add((i, status));
        }
        changed.Should().HaveCount(ApiKeyFormat.PublicIdLength + ApiKeyFormat.SecretLength);
        changed.Should().OnlyContain(c => c.Status == KeyStatus.Invalid);

        // Base62 is case-sensitive: an id or secret differing only in case is another key.
        for (var i = ApiKeyFormat.Prefix.Length; i < key.FullKey.Length; i++)
        {
            if (!char.IsLetter(key.FullKey[i])) continue;
            (await portal.Verifier.VerifyAsync(FlipCaseAt(key.FullKey, i))).Status.Should().Be(KeyStatus.Invalid, $"case changed at {i}");
        }

        (await portal.Verifier.VerifyAsync(null)).Should().Be(KeyCheck.Invalid);
        (await portal.Verifier.VerifyAsync("")).Should().Be(KeyCheck.Invalid);
        (await portal.Verifier.VerifyAsync(key.FullKey[..^1])).Status.Should().Be(KeyStatus.Invalid,
            "a secret one character short still parses, but it must not match");
        (await portal.Verifier.VerifyAsync(key.FullKey + "x")).Status.Should().Be(KeyStatus.Invalid);
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task A_revoked_key_fails_on_its_next_verification(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var portal = new TestPortal(db);
        await using var other = new TestPortal(db);
        await portal.CreateClientAsync("alpha");
        var byHint = await portal.CreateKeyAsync("alpha");
        var byId = await portal.CreateKeyAsync("alpha");
        var byFullKey = await portal.CreateKeyAsync("alpha");
        var kept = await portal.CreateKeyAsync("alpha");
        foreach (var key in new[] { byHint, byId, byFullKey })
            (await other.Verifier.VerifyAsync(key.FullKey)).Status.Should().Be(KeyStatus.Valid);

        portal.Clock.Advance(TimeSpan.FromMinutes(1));
        (await portal.Keys.RevokeAsync(TestPortal.Admin, "alpha", byHint.Key.Hint)).Succeeded.Should().BeTrue();
        (await portal.Keys.RevokeAsync(TestPortal.Admin, "alpha", byId.Key.PublicId)).Succeeded.Should().BeTrue();
        (await portal.Keys.RevokeAsync(TestPortal.Admin, "alpha", byFullKey.FullKey)).Succeeded.Should().BeTrue();

        foreach (var key in new[] { byHint, byId, byFullKey })
            (await other.Verifier.VerifyAsync(key.FullKey)).Status.Should().Be(KeyStatus.Invalid, "the other instance sees the revocation at once");
        (await other.Verifier.VerifyAsync(kept.FullKey)).Status.Should().Be(KeyStatus.Valid);

        var listed = (await portal.Keys.ListAsync(TestPortal.Admin, "alpha")).Unwrap();
        listed.Should().HaveCount(4, "revoked keys stay listed so usage remains attributable");
        listed.Where(k => k.RevokedAt is not null).Select(k => k.PublicId)
            .Should().BeEquivalentTo(new[] { byHint.Key.PublicId, byId.Key.PublicId, byFullKey.Key.PublicId });
        listed.Where(k => k.RevokedAt is not null).Should().OnlyContain(k => k.RevokedBy == "admin@example.org");
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Revoking_twice_is_harmless_and_unknown_keys_are_not_found(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var portal = new TestPortal(db);
        await portal.CreateClientAsync("alpha");
        await portal.CreateClientAsync("beta");
        var key = await portal.CreateKeyAsync("alpha");
        var betaKey = await portal.CreateKeyAsync("beta");
        var first = (await portal.Keys.RevokeAsync(Actor.Cli, "alpha", key.Key.PublicId)).Unwrap();

        portal.Clock.Advance(TimeSpan.FromHours(1));
        var second = await portal.Keys.RevokeAsync(TestPortal.Admin, "alpha", key.FullKey);

        second.Succeeded.Should().BeTrue();
        second.Value!.RevokedAt.Should().Be(first.RevokedAt, "the first revocation's time and author stand");
        second.Value.RevokedBy.Should().Be("cli");
        (await portal.Verifier.VerifyAsync(key.FullKey)).Status.Should().Be(KeyStatus.Invalid);

        var unknown = await portal.Keys.RevokeAsync(Actor.Cli, "alpha", "lmn_000000000000");
        unknown.Failure!.Kind.Should().Be(FailureKind.NotFound);
        unknown.Failure.Message.Should().Contain("no key");
        var garbage = await portal.Keys.RevokeAsync(Actor.Cli, "alpha", "not a key");
        garbage.Failure!.Kind.Should().Be(FailureKind.NotFound);
        var otherClients = await portal.Keys.RevokeAsync(Actor.Cli, "alpha", betaKey.Key.PublicId);
        otherClients.Failure!.Kind.Should().Be(FailureKind.NotFound, "a key is revoked only through its own client");
        (await portal.Verifier.VerifyAsync(betaKey.FullKey)).Status.Should().Be(KeyStatus.Valid);
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task A_deactivated_clients_keys_fail_until_it_is_reactivated(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var portal = new TestPortal(db);
        var client = await portal.CreateClientAsync("alpha");
        var key = await portal.CreateKeyAsync("alpha");

        (await portal.Clients.SetActiveAsync(TestPortal.Admin, "alpha", false)).Unwrap().IsActive.Should().BeFalse();
        (await portal.Verifier.VerifyAsync(key.FullKey)).Should().Be(new KeyCheck(KeyStatus.ClientInactive, client.Id, "alpha", key.Id));

        (await portal.Clients.SetActiveAsync(TestPortal.Admin, "alpha", true)).Unwrap().IsActive.Should().BeTrue();
        (await portal.Verifier.VerifyAsync(key.FullKey)).Status.Should().Be(KeyStatus.Valid);
        (await portal.Keys.ListAsync(Actor.Cli, "alpha")).Unwrap().Should().ContainSingle("deactivation deletes nothing");
    }

    [Theory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task The_database_holds_no_secret_of_any_key(DatabaseProviderKind provider)
    {
        await using var db = await TestDatabases.CreateAsync(provider, postgres);
        await using var portal = new TestPortal(db);
        var client = await portal.CreateClientAsync("alpha");
        var keys = new[] { await portal.CreateKeyAsync("alpha", "one"), await portal.CreateKeyAsync("alpha", "two") };
        await portal.Keys.RevokeAsync(Actor.Cli, "alpha", keys[1].FullKey);
        await portal.Ledger.ChargeAsync(client.Id, keys[0].Id, "dummy", 1, 1, 0m, 1);
        (await portal.Verifier.VerifyAsync(keys[0].FullKey)).Status.Should().Be(KeyStatus.Valid);

        var text = await EverythingStoredAsync(db);

        foreach (var key in keys)
        {
            ApiKeyFormat.TryParse(key.FullKey, out var publicId, out var secret).Should().BeTrue();
            text.Should().Contain(publicId, "the scan reads the api_keys table");
            text.Should().NotContain(secret);
            text.Should().NotContain(key.FullKey);
            text.Should().NotContain(secret[..24], "not even most of the secret");
        }
    }

    /// <summary>Every value of every table, read raw, as text; byte columns as UTF-8, hex and base64.</summary>
    private static async Task<string> EverythingStoredAsync(TestDatabase db)
    {
        await using var context = await db.Factory.CreateDbContextAsync();
        var connection = context.Database.GetDbConnection();
        await connection.OpenAsync();
        var tables = new List<string>();
        var listSql = context.Database.IsSqlite()
            ? "SELECT name FROM sqlite_master WHERE type = 'table'"
            : "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'";
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = listSql;
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        }
        tables.Should().Contain("api_keys").And.Contain("clients").And.Contain("coin_pools").And.Contain("request_log");

        var text = new StringBuilder();
        foreach (var table in tables)
        {
            await using var select = connection.CreateCommand();
            select.CommandText = $"SELECT * FROM \"{table}\"";
            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++) text.Append(Describe(reader, i)).Append('\n');
            }
        }
        return text.ToString();
    }

    private static string Describe(DbDataReader reader, int column)
    {
        if (reader.IsDBNull(column)) return "";
        var value = reader.GetValue(column);
        return value is byte[] bytes
            ? $"{Encoding.UTF8.GetString(bytes)} {Convert.ToHexString(bytes)} {Convert.ToBase64String(bytes)}"
            : Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";
    }

    private static string FlipCaseAt(string key, int position)
    {
        var c = key[position];
        var flipped = char.IsUpper(c) ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c);
        return string.Concat(key.AsSpan(0, position), flipped.ToString(), key.AsSpan(position + 1));
    }

    private static string ChangeAt(string key, int position)
    {
        var next = Base62[(Base62.IndexOf(key[position], StringComparison.Ordinal) + 1) % Base62.Length];
        return string.Concat(key.AsSpan(0, position), next.ToString(), key.AsSpan(position + 1));
    }
}

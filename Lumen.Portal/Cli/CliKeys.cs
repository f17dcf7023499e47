using System.Globalization;
using Lumen.Domain.ApiKeys;
using Lumen.Infrastructure.ApiKeys;
using Lumen.Infrastructure.UseCases;

namespace Lumen.Portal.Cli;

/// <summary>The <c>keys</c> verbs of §13 and §22: create and rotate print only the new key; list is tab-separated.</summary>
internal static class CliKeys
{
    public static Task<int> CreateAsync(CliRunner cli, string client, CliArguments args)
    {
        // Without --expires the service gives the command line's default: the ceiling, or never.
        KeyLifetime? lifetime = null;
        if (args.Option("expires") is { } text && (lifetime = KeyLifetime.Parse(text, out var error)) is null) return cli.Error($"--expires: {error}");
        return cli.Report(cli.Get<ApiKeyService>().CreateAsync(Actor.Cli, client, args.Name, lifetime), k => k.FullKey);
    }

    public static Task<int> RotateAsync(CliRunner cli, string client, string key, CliArguments args)
    {
        // Without --grace the old key works one more day, as the dialog proposes: rotation is for replacing a key without an outage.
        KeyGrace? grace = null;
        if (args.Option("grace") is { } text && (grace = KeyGrace.Parse(text, out var error)) is null) return cli.Error($"--grace: {error}");
        return cli.Report(cli.Get<ApiKeyService>().RotateAsync(Actor.Cli, client, key, grace ?? KeyGrace.Day), r => r.Successor.FullKey);
    }

    public static async Task<int> ListAsync(CliRunner cli, string client)
    {
        var now = cli.Get<TimeProvider>().GetUtcNow();
        return await cli.Report(cli.Get<ApiKeyService>().ListAsync(Actor.Cli, client), keys => string.Join(Environment.NewLine,
            keys.Select(k => string.Join('\t', k.Hint, k.Name, Status(k.StatusAt(now)), Time(k.CreatedAt), Time(k.ExpiresAt) ?? "never",
                    Time(k.LastUsedAt) ?? "never", k.ReplacedBy ?? "-"))
                .Prepend("hint\tname\tstatus\tcreated\texpires\tlast_used\treplaced_by")));
    }

    private static string Status(ApiKeyStatus status) => status.ToString().ToLowerInvariant();

    private static string? Time(DateTime? at) => at?.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}

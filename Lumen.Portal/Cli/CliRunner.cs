using System.Data.Common;
using System.Globalization;
using Lumen.Domain.Budget;
using Lumen.Infrastructure;
using Lumen.Infrastructure.ApiKeys;
using Lumen.Infrastructure.Audit;
using Lumen.Infrastructure.Clients;
using Lumen.Domain.Text;
using Lumen.Infrastructure.UseCases;
using Lumen.Infrastructure.Config;
using Lumen.Infrastructure.Consent;
using Lumen.Infrastructure.Managers;
using Lumen.Infrastructure.Notifications;
using Lumen.Infrastructure.Persistence;
using Lumen.Portal.Display;
using Lumen.Portal.Hosting;

namespace Lumen.Portal.Cli;

/// <summary>
/// The operator verbs of §13, run through the same use cases as the portal, as the admin "cli". Results go to
/// <c>stdout</c>; errors to <c>stderr</c> with exit code 1 (2 for a command that is not understood).
/// </summary>
public sealed class CliRunner(IServiceProvider services, TextWriter stdout, TextWriter stderr)
{
    public const string Usage = """
        usage: Lumen.Portal VERB ... [--config PATH]
          init-db                                   create or migrate the database and apply the config
          clients create NAME [NAME ...]            create clients
          clients list                              name, active, requests, tokens, coins, balance
          keys create CLIENT [--name LABEL] [--expires DAYS|YYYY-MM-DD|never]
                                                    print a new key once, on its own line
          keys rotate CLIENT KEY_HINT_OR_ID [--grace 0|1h|1d|7d (default 1d)]
                                                    print the successor once; the old key expires after the grace
          keys list CLIENT                          hint, name, status, created, expires, last used, replaced by
          keys revoke CLIENT KEY_HINT_OR_ID
          managers add CLIENT EMAIL | managers remove CLIENT EMAIL
          consent grant CLIENT MODEL | consent withdraw CLIENT MODEL
          audit list [--client NAME] [--actor EMAIL] [--since ISO-TIME] [--limit N]
                                                    the audit trail, newest first (times UTC)
          notifications test EMAIL                  send a test e-mail through the Smtp:* settings
        """;

    /// <summary>Builds the same services as the server (minus the web parts) and runs one verb.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var builder = WebApplication.CreateBuilder(args);
        LumenHostSetup.AddCommandLineSwitches(builder.Configuration, args);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Error);
        try
        {
            builder.Services.AddLumen(builder.Configuration, builder.Environment);
            await using var app = builder.Build();
            return await new CliRunner(app.Services, stdout, stderr).RunAsync(CliArguments.Parse(args));
        }
        catch (InvalidOperationException e)
        {
            // Bad settings (provider, connection string, secret): say what is wrong, no stack trace.
            await stderr.WriteLineAsync($"error: {e.Message}");
            return 1;
        }
        catch (DbException e)
        {
            // Unreachable, refusing the login, or failing the statement: the operator fixes the server or the setting,
            // so the provider's own message is what helps; a stack trace would not.
            var provider = DatabaseOptions.FromConfiguration(builder.Configuration).Provider;
            await stderr.WriteLineAsync($"error: the database cannot be used ({provider}): {e.Message}");
            return 1;
        }
    }

    public async Task<int> RunAsync(CliArguments args)
    {
        // Understood before anything is touched: a mistyped command must not create or migrate a database.
        if (Verb(args) is not { } verb) return await UsageError();
        if (args.UnknownOption(OptionsOf(args.Words)) is { } unknown)
        {
            await stderr.WriteLineAsync($"error: '{string.Join(' ', args.Words.Take(2))}' does not take --{unknown}.");
            return await UsageError();
        }
        // init-db migrates itself; a test e-mail needs no database at all.
        if (args.Words is not (["init-db"] or ["notifications", "test", _])) await Get<LumenDatabase>().MigrateAsync();
        return await verb();
    }

    private Func<Task<int>>? Verb(CliArguments args) => args.Words switch
    {
        ["init-db"] => InitDbAsync,
        ["notifications", "test", var email] => () => SendTestMailAsync(email),
        ["clients", "create", .. var names] when names.Length > 0 => () => CreateClientsAsync(names),
        ["clients", "list"] => ListClientsAsync,
        ["keys", "create", var client] => () => CliKeys.CreateAsync(this, client, args),
        ["keys", "rotate", var client, var key] => () => CliKeys.RotateAsync(this, client, key, args),
        ["keys", "list", var client] => () => CliKeys.ListAsync(this, client),
        ["keys", "revoke", var client, var key] => () => Report(Get<ApiKeyService>().RevokeAsync(Actor.Cli, client, key), k => $"revoked {k.Hint}"),
        ["managers", "add", var client, var email] => () => Report(Get<ManagerService>().AddAsync(Actor.Cli, client, email),
            m => m.AlreadyManager ? m.AlreadyMessage : $"{m.Manager.Email} manages {client}"),
        ["managers", "remove", var client, var email] => () => Report(Get<ManagerService>().RemoveAsync(Actor.Cli, client, email), _ => $"{email} no longer manages {client}"),
        ["consent", "grant", var client, var model] => () => Report(Get<ConsentService>().GrantAsync(Actor.Cli, client, model), c => $"consent for {c.Model} recorded"),
        ["consent", "withdraw", var client, var model] => () => Report(Get<ConsentService>().WithdrawAsync(Actor.Cli, client, model), c => $"consent for {c.Model} withdrawn"),
        ["audit", "list"] => () => ListAuditAsync(args),
        _ => null,
    };

    /// <summary>The options each verb takes; any other (but the configuration's switches) is an error.</summary>
    private static string[] OptionsOf(string[] words) => words switch
    {
        ["keys", "create", ..] => ["name", "expires"],
        ["keys", "rotate", ..] => ["grace"],
        ["audit", "list"] => ["client", "actor", "since", "limit"],
        _ => [],
    };

    private async Task<int> InitDbAsync()
    {
        var state = Get<ConfigState>();
        if (!state.Latest.IsValid)
        {
            await stderr.WriteLineAsync($"error: {state.Path} is not valid; nothing was applied:");
            foreach (var e in state.Latest.Errors) await stderr.WriteLineAsync($"  {e}");
            return 1;
        }
        await Get<LumenDatabase>().MigrateAsync();
        foreach (var warning in state.Latest.Warnings) await stderr.WriteLineAsync($"warning: {warning}");
        var report = await Get<ConfigSync>().ApplyAsync(state.Latest.Config!);
        await stdout.WriteLineAsync($"database ready; config {state.Path} applied");
        // One line per client, or one for them all when the report says what changed only once (a save of many).
        foreach (var change in report.Changes) await stdout.WriteLineAsync(change.IsGeneral ? $"  {change.Summary}" : $"  {change.Client}: {change.Summary}");
        await stdout.WriteLineAsync($"{report.Changed} {Counted.Noun(report.Changed, "client", "clients")} changed, {report.Unchanged} unchanged, " +
            $"{report.SkippedEntries.Count} named {Counted.Noun(report.SkippedEntries.Count, "entry", "entries")} skipped (no such client yet)");
        return 0;
    }

    private async Task<int> SendTestMailAsync(string email)
    {
        if (!System.Net.Mail.MailAddress.TryCreate(email, out _)) return await Error($"'{email}' is not an e-mail address");
        if (services.GetService<SmtpMailer>() is not { } mailer)
            return await Error("no SMTP server is configured: set Smtp:Host and Smtp:From (see the README)");
        try
        {
            await mailer.SendAsync([TestMail.To(email, mailer.Settings)]);
        }
        catch (MailNotSentException e)
        {
            return await Error(e.Message);
        }
        await stdout.WriteLineAsync($"sent a test message to {email} through {mailer.Settings}");
        return 0;
    }

    // All or none: a half-created batch would leave the operator to work out which names to run again.
    private Task<int> CreateClientsAsync(string[] names) =>
        Report(Get<ClientService>().CreateAllAsync(Actor.Cli, names), created => string.Join(Environment.NewLine, created.Select(c => $"created {c.Name}")));

    private async Task<int> ListClientsAsync()
    {
        await stdout.WriteLineAsync("name\tactive\trequests\ttokens\tcoins\tbalance");
        foreach (var (client, pool) in await Get<ClientService>().ListAsync(Actor.Cli))
        {
            var balance = pool.Budget.Kind == BudgetKind.Unlimited ? "unlimited" : pool.Balance.ToString();
            await stdout.WriteLineAsync(string.Join('\t', client.Name, client.IsActive ? "yes" : "no",
                pool.Requests.ToString(CultureInfo.InvariantCulture),
                (pool.InputTokens + pool.OutputTokens).ToString(CultureInfo.InvariantCulture), pool.CoinsSpent, balance));
        }
        return 0;
    }

    private async Task<int> ListAuditAsync(CliArguments args)
    {
        if (AuditListQuery(args, out var error) is not { } query)
        {
            await stderr.WriteLineAsync($"error: {error}");
            return 1;
        }
        var page = await Get<AuditService>().ListAsync(Actor.Cli, query);
        return await Report(Task.FromResult(page), p => string.Join(Environment.NewLine,
            p.Entries.Select(e => string.Join('\t', e.At.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                e.Actor, e.Action, e.Client ?? Words.Count(e.ClientCount, "client", "clients"),
                e.Summary)).Prepend("time (UTC)\tactor\taction\tclient\tsummary")));
    }

    /// <summary>The filters of <c>audit list</c>, or null with what is wrong with them.</summary>
    internal static AuditQuery? AuditListQuery(CliArguments args, out string error)
    {
        error = "";
        DateTime? since = null;
        if (args.Option("since") is { } text)
        {
            if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            {
                error = $"--since '{text}' is not an ISO time like 2026-03-01T09:00:00Z.";
                return null;
            }
            since = at.UtcDateTime;
        }
        var limit = AuditQuery.DefaultLimit;
        if (args.Option("limit") is { } count && (!int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out limit)
            || limit < 1 || limit > AuditQuery.MaxLimit))
        {
            error = $"--limit '{count}' is not a whole number from 1 to {AuditQuery.MaxLimit}.";
            return null;
        }
        return new AuditQuery(Client: args.Option("client"), Actor: args.Option("actor"), Since: since, Limit: limit);
    }

    internal async Task<int> Report<T>(Task<Outcome<T>> work, Func<T, string> describe)
    {
        var outcome = await work;
        if (outcome.Succeeded)
        {
            await stdout.WriteLineAsync(describe(outcome.Value!));
            return 0;
        }
        // A refusal of several names says why for each, one per line.
        foreach (var line in outcome.Failure!.Message.Split('\n')) await stderr.WriteLineAsync($"error: {line}");
        return 1;
    }

    internal async Task<int> Error(string message)
    {
        await stderr.WriteLineAsync($"error: {message}");
        return 1;
    }

    internal TextWriter Out => stdout;

    private async Task<int> UsageError()
    {
        await stderr.WriteLineAsync(Usage);
        return 2;
    }

    internal T Get<T>() where T : notnull => services.GetRequiredService<T>();
}

using Lumen.Infrastructure;
using Lumen.Infrastructure.Changes;
using Lumen.Infrastructure.Redis;
using Lumen.Infrastructure.Persistence;
using Lumen.Infrastructure.RequestLog;
using Lumen.Portal.Audit;
using Lumen.Portal.Auth;
using Lumen.Portal.Cli;
using Lumen.Portal.Clients;
using Lumen.Portal.Components;
using Lumen.Portal.Gateway;
using Lumen.Portal.Hosting;
using Lumen.Portal.Operations;
using Lumen.Portal.RequestLog;
using MudBlazor.Services;

// Operator verbs (§13) run and exit; anything else serves the portal.
if (CliArguments.IsCommand(args)) return await CliRunner.RunAsync(args, Console.Out, Console.Error);

// A start refused while services are set up (no identity provider outside Development) is one line too, not a stack
// trace. Only for this process: under a test host the exception reaches the test, which asserts it.
AppDomain.CurrentDomain.UnhandledException += (_, e) => LumenHostSetup.ExitOnStartRefusal(e.ExceptionObject);

var builder = WebApplication.CreateBuilder(args);
LumenHostSetup.AddCommandLineSwitches(builder.Configuration, args);
if (LumenHostSetup.StartRefusal(builder.Configuration, builder.Environment) is { } refusal)
{
    await Console.Error.WriteLineAsync(refusal);
    return 1;
}

builder.Services.AddRazorComponents().AddInteractiveServerComponents();
builder.Services.AddMudServices();
builder.Services.AddLumen(builder.Configuration, builder.Environment);
builder.Services.AddConfigWatcher();
builder.Services.AddChangeJournalReader(new ChangeJournalOptions(
    TimeSpan.FromSeconds(builder.Configuration.GetValue("Lumen:ChangePollSeconds", 2.0))));
builder.Services.AddRequestLogRetention(RequestLogRetentionOptions.FromConfiguration(builder.Configuration));
var redis = RedisSettings.FromConfiguration(builder.Configuration);
if (redis is not null) builder.Services.AddRedisChangeListener();
builder.Services.AddLumenKeyRing();
builder.Services.AddKnownProxies(builder.Configuration);
builder.Services.AddAcceptBacklog(builder.Configuration);
builder.Services.AddGateway(builder.Configuration);
builder.Services.AddPortalAuthentication(builder.Configuration, builder.Environment);
builder.Services.AddClientsHub(redis);
builder.AddOperations();

var app = builder.Build();

if (app.Services.GetRequiredService<DatabaseOptions>().MigrateOnStartup)
    await app.Services.GetRequiredService<LumenDatabase>().MigrateAsync();

app.UseKnownProxies();
if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/Error", createScopeForErrors: true);
}

app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
app.UseGatewayBoundary();
// Here, not at the pipeline's start: /v1's short-circuit endpoints run from routing, inside the gateway's boundary and
// after the forwarded headers, and before the portal's sign-in.
app.UseRouting();
app.UsePortalSignIn();
app.UseClientsHubGate(redis);

app.MapStaticAssets();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
app.MapAuth();
app.MapClientsHub();
app.MapAuditExports();
app.MapRequestLogExport();
app.MapGateway();
app.MapOperations();

await app.RunAsync();
return 0;

/// <summary>Public so integration tests can use <c>WebApplicationFactory&lt;Program&gt;</c>.</summary>
public partial class Program;

using Lumen.Portal.Components;
using Lumen.Portal.Config;
using MudBlazor.Services;

var builder = WebApplication.CreateBuilder(args);

// `--config PATH` (SPEC §14) lands on Lumen:ConfigPath; LUMEN_CONFIG is read by ConfigPathSetting.
builder.Configuration.AddCommandLine(args, ConfigPathSetting.SwitchMappings);

builder.Services.AddRazorComponents().AddInteractiveServerComponents();
builder.Services.AddMudServices();
builder.Services.AddLumenConfig();

var app = builder.Build();

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/Error", createScopeForErrors: true);
}

app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
app.UseAntiforgery();

app.MapStaticAssets();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

await app.RunAsync();

/// <summary>Public so integration tests can use <c>WebApplicationFactory&lt;Program&gt;</c>.</summary>
public partial class Program;

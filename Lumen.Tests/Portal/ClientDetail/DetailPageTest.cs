using System.Security.Claims;
using AngleSharp.Dom;
using Bunit;
using Lumen.Infrastructure.ApiKeys;
using Lumen.Infrastructure.Clients;
using Lumen.Infrastructure.UsageCharts;
using Lumen.Infrastructure.UseCases;
using Lumen.Infrastructure.Config;
using Lumen.Infrastructure.Consent;
using Lumen.Infrastructure.Changes;
using Lumen.Infrastructure.Managers;
using Lumen.Infrastructure.RequestLog;
using Lumen.Portal.Clients.Detail;
using Lumen.Tests.Infrastructure;
using Lumen.Tests.Infrastructure.Databases;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace Lumen.Tests.Portal.ClientDetail;

/// <summary>
/// bUnit over the real use-case services and a fresh SQLite database per test (<see cref="TestPortal"/>), with
/// MudBlazor's dialog and snackbar providers rendered so confirmations and messages can be clicked and read.
/// Client <c>alpha</c> (default entry: dummy whitelisted, gray-model graylisted, black-model blacklisted) is managed
/// by <see cref="ManagerOfAlpha"/>; <c>beta</c> by <see cref="ManagerOfBeta"/>.
/// </summary>
public abstract class DetailPageTest : PortalComponentTest
{
    public const string Alpha = "alpha";
    public const string Beta = "beta";
    public const string Admin = "admin@example.org";
    public const string ManagerOfAlpha = "alice@example.org";
    public const string ManagerOfBeta = "bob@example.org";
    public const string Stranger = "someone@example.org";

    private TestDatabase _database = null!;
    private IRenderedComponent<MudDialogProvider>? _dialogs;

    protected TestPortal Portal { get; private set; } = null!;

    /// <summary>The test's database, for bulk seeding.</summary>
    protected TestDatabase Database => _database;

    /// <summary>The config the test portal loads; override for other settings.</summary>
    protected virtual string Yaml => TestPortal.Yaml;

    public override async Task InitializeAsync()
    {
        _database = await SqliteDatabase.CreateAsync();
        Portal = new TestPortal(_database, Yaml);
        Services.AddSingleton(Portal.Config);
        Services.AddSingleton<TimeProvider>(Portal.Clock);
        Services.AddSingleton(Portal.Feed);
        Services.AddSingleton(Portal.Get<ClientAccess>());
        Services.AddSingleton(Portal.Get<ClientDetailsQuery>());
        Services.AddSingleton(Portal.Get<UsageBoard>());
        Services.AddSingleton(Portal.Clients);
        Services.AddSingleton(Portal.Keys);
        Services.AddSingleton(Portal.Managers);
        Services.AddSingleton(Portal.Consents);
        Services.AddSingleton(Portal.Audit);
        Services.AddSingleton(Portal.Get<RequestLogService>());
        await Portal.CreateClientAsync(Alpha);
        await Portal.CreateClientAsync(Beta);
        (await Portal.Managers.AddAsync(Actor.Cli, Alpha, ManagerOfAlpha)).Unwrap();
        (await Portal.Managers.AddAsync(Actor.Cli, Beta, ManagerOfBeta)).Unwrap();
    }

    protected override async Task AfterDisposeAsync()
    {
        await Portal.DisposeAsync();
        await _database.DisposeAsync();
    }

    /// <summary>
    /// Signs <paramref name="email"/> in (as the e-mail claim the portal reads) and renders the page on
    /// <paramref name="tab"/> (as <c>/clients/{client}/{tab}</c> would; none is the default tab).
    /// </summary>
    protected IRenderedComponent<ClientDetailPage> RenderPage(string email, string client = Alpha, DetailTab? tab = null)
    {
        SignIn(email);
        _dialogs ??= Render<MudDialogProvider>();
        return Render<ClientDetailPage>(p => p.Add(x => x.Name, client).Add(x => x.Tab, tab?.Slug));
    }

    /// <summary>Shows another tab of the rendered page, as the router does on a click on a tab: the same component, a new Tab.</summary>
    protected static void ShowTab(IRenderedComponent<ClientDetailPage> cut, DetailTab tab) =>
        cut.Render(p => p.Add(x => x.Name, cut.Instance.Name).Add(x => x.Tab, tab.Slug));

    /// <summary>The level-2 headings inside the tab panel: the panels the shown tab rendered.</summary>
    protected static IReadOnlyList<string> PanelHeadings(IRenderedComponent<ClientDetailPage> cut) =>
        cut.FindAll("[role=tabpanel] h2").Select(h => h.TextContent.Trim()).ToList();

    protected void SignIn(string email)
    {
        var auth = AddAuthorization();
        auth.SetAuthorized(email);
        auth.SetClaims(new Claim(ClaimTypes.Email, email));
    }

    /// <summary>Where MudBlazor draws dialogs.</summary>
    protected IRenderedComponent<MudDialogProvider> Dialogs => _dialogs ??= Render<MudDialogProvider>();

    /// <summary>Waits for the confirmation dialog, checks its title and answers it.</summary>
    protected void Answer(string title, bool confirm)
    {
        Dialogs.WaitForAssertion(() => Dialogs.Find(".confirm-dialog h2").TextContent.Should().Be(title));
        Dialogs.Find(confirm ? ".confirm-ok" : ".confirm-cancel").Click();
        Dialogs.WaitForAssertion(() => Dialogs.FindAll(".confirm-dialog").Should().BeEmpty());
    }

    protected int IdOf(string client)
    {
        using var db = Portal.Contexts.CreateDbContext();
        return db.Clients.Single(c => c.Name == client).Id;
    }

    /// <summary>Runs SQL on the test database: tests rename a table to make the database fail under an open page.</summary>
    protected async Task SqlAsync(string sql)
    {
        await using var db = await Portal.Contexts.CreateDbContextAsync();
        await db.Database.ExecuteSqlRawAsync(sql);
    }

    protected IReadOnlyList<string> SnackbarMessages =>
        Services.GetRequiredService<ISnackbar>().ShownSnackbars.Select(s => s.Message ?? "").ToList();

    protected static string TextOf(IElement element) => string.Join(" ", element.TextContent.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    protected static IElement ModelRow(IRenderedComponent<ClientDetailPage> cut, string model) =>
        cut.Find($".model-row[data-model='{model}']");
}

using System.Security.Claims;
using Bunit;
using Lumen.Infrastructure.Clients;
using Lumen.Infrastructure.Config;
using Lumen.Infrastructure.Changes;
using Lumen.Infrastructure.UsageCharts;
using Lumen.Portal.Auth;
using Lumen.Tests.Infrastructure;
using Lumen.Tests.Infrastructure.Databases;
using Microsoft.Extensions.DependencyInjection;

namespace Lumen.Tests.Portal.Clients;

/// <summary>
/// bUnit over the real use-case services and a SQLite database (a <see cref="TestPortal"/>), signed in as someone
/// with the policies the server would grant them.
/// </summary>
public abstract class ClientsComponentTest : PortalComponentTest
{
    public const string AdminEmail = "admin@example.org";
    public const string ManagerEmail = "alice@example.org";

    private TestDatabase _database = null!;

    protected TestPortal Portal { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        _database = await SqliteDatabase.CreateAsync();
        Portal = new TestPortal(_database);
        Services.AddSingleton(Portal.Config);
        Services.AddSingleton<TimeProvider>(Portal.Clock);
        Services.AddSingleton(Portal.Directory);
        Services.AddSingleton(Portal.Get<UsageBoard>());
        Services.AddSingleton(Portal.Get<ClientAccess>());
        Services.AddSingleton(Portal.Clients);
        Services.AddSingleton(Portal.Feed);
        Services.AddSingleton(Portal.Sync);
        Services.AddSingleton(Portal.Keys);
    }

    /// <summary>Signs in as <paramref name="email"/> with the policies §6 gives them.</summary>
    protected void SignIn(string email, bool admin)
    {
        var auth = AddAuthorization();
        auth.SetAuthorized(email);
        auth.SetClaims(new Claim("email", email));
        auth.SetPolicies(admin ? [PortalPolicies.Admin, PortalPolicies.ClientsArea] : [PortalPolicies.ClientsArea]);
    }

    protected override async Task AfterDisposeAsync()
    {
        await Portal.DisposeAsync();
        await _database.DisposeAsync();
    }
}

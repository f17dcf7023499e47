namespace Lumen.Tests.Browser;

/// <summary>
/// A portal that signs people in through a real OpenID Connect provider (oidc/server.mjs) on another loopback port.
/// The provider's port is reserved first so the portal knows its authority; the provider starts once the portal
/// listens, so its registered redirect URIs carry the portal's real port.
/// </summary>
public sealed class OidcPortal : PortalServer
{
    private readonly int _providerPort;

    public OidcPortal()
        : this(OidcProviderProcess.ReservePort())
    {
    }

    private OidcPortal(int providerPort)
        : base(OidcProviderProcess.IssuerFor(providerPort)) => _providerPort = providerPort;

    public const string ManagerOfAlpha = "manager-a@example.org";
    public const string ManagerOfBeta = "manager-b@example.org";

    public OidcProviderProcess Provider { get; private set; } = null!;

    protected override async Task SeedAsync()
    {
        Provider = await OidcProviderProcess.StartAsync(_providerPort, BaseAddress);
        await CreateClientAsync("alpha-bot", ManagerOfAlpha);
        await CreateClientAsync("alpha-pipeline", ManagerOfAlpha);
        await CreateClientAsync("beta-bot", ManagerOfBeta);
    }

    protected override async Task StoppingAsync()
    {
        if (Provider is not null) await Provider.DisposeAsync();
    }
}

using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace Lumen.Portal.Hosting;

/// <summary>
/// How many connections may wait to be accepted. Kestrel's default of 512 turned thousands of callers opening streams
/// at once away (each retried a SYN a second later: bench/README.md, streaming load); the kernel caps the figure at
/// <c>net.core.somaxconn</c>, which is 4096 on current kernels.
/// </summary>
public static class AcceptBacklog
{
    public const int DefaultBacklog = 4096;

    public static IServiceCollection AddAcceptBacklog(this IServiceCollection services, IConfiguration configuration)
    {
        var backlog = configuration.GetValue("Gateway:AcceptBacklog", DefaultBacklog);
        if (backlog < 1) throw new StartRefusedException($"Gateway:AcceptBacklog must be a positive number of connections, not {backlog}.");
        return services.Configure<SocketTransportOptions>(o => o.Backlog = backlog);
    }
}

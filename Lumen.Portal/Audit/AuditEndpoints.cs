using Lumen.Domain.Clients;
using Lumen.Infrastructure.Audit;
using Lumen.Infrastructure.UseCases;
using Lumen.Portal.Auth;
using Lumen.Portal.Display;

namespace Lumen.Portal.Audit;

/// <summary>
/// The CSV exports of §17: the whole trail (admins only, as <c>/audit</c>) and one client's history (whoever may open
/// the client, §6; anyone else gets 404, as for a name that does not exist). Streamed a thousand entries at a time,
/// each page read by the same use case as the pages, so the permission check is the same code.
/// </summary>
public static class AuditEndpoints
{
    private const int CsvPage = AuditQuery.MaxLimit;

    public static IEndpointRouteBuilder MapAuditExports(this IEndpointRouteBuilder app)
    {
        app.MapGet(AuditUrl.CsvPath, (HttpContext http, AuditService audit) =>
            ExportAsync(http, "audit.csv", q => audit.ListAsync(Actor(http), q, http.RequestAborted)))
            .RequireAuthorization(PortalPolicies.Admin);
        app.MapGet("/clients/{name}/history.csv", (HttpContext http, string name, AuditService audit) =>
            ExportAsync(http, $"{ClientName.Normalize(name)}-history.csv", q => audit.HistoryAsync(Actor(http), name, q, http.RequestAborted)))
            .RequireAuthorization();
        return app;
    }

    private static Actor Actor(HttpContext http) => PortalUser.ActorOrNobody(http.User);

    private static Task<IResult> ExportAsync(HttpContext http, string file, Func<AuditQuery, Task<Outcome<AuditPage>>> read)
    {
        var (filters, unreadable) = AuditUrl.ParseExport(http.Request.Query);
        if (unreadable is not null) return Task.FromResult(Csv.UnreadableParameter(unreadable));
        var query = filters with { Limit = CsvPage };
        return Csv.ExportAsync<AuditPage, long>(http, file, AuditCsv.Header, before => read(query with { Before = before }),
            page => page.Entries.Select(AuditCsv.Row), page => page.Older);
    }
}

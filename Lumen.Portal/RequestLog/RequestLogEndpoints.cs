using Lumen.Domain.Clients;
using Lumen.Infrastructure.RequestLog;
using Lumen.Portal.Auth;
using Lumen.Portal.Display;

namespace Lumen.Portal.RequestLog;

/// <summary>
/// <c>GET /clients/{name}/requests.csv?…</c> (§16): exactly the rows the filters let through, newest first, streamed a
/// thousand at a time, each page read by the use case the detail page uses, so the §6 check is the same code: whoever
/// may open the client gets it, anyone else 404, as for a name that does not exist.
/// </summary>
public static class RequestLogEndpoints
{
    public static IEndpointRouteBuilder MapRequestLogExport(this IEndpointRouteBuilder app)
    {
        app.MapGet("/clients/{name}/requests.csv", (HttpContext http, string name, RequestLogService log) =>
        {
            // Every filtered row, however far apart: the page's bound on rows examined is not the export's.
            var (filters, unreadable) = RequestLogUrl.ParseExport(http.Request.Query);
            if (unreadable is not null) return Task.FromResult(Csv.UnreadableParameter(unreadable));
            var query = filters with { Limit = RequestLogQuery.MaxLimit, WholeLog = true };
            var actor = PortalUser.ActorOrNobody(http.User);
            return Csv.ExportAsync<RequestLogPage, RequestLogCursor>(http, $"{ClientName.Normalize(name)}-requests.csv",
                RequestLogCsv.Header, before => log.PageAsync(actor, name, query with { Before = before }, http.RequestAborted),
                page => page.Entries.Select(RequestLogCsv.Row), page => page.Older);
        }).RequireAuthorization();
        return app;
    }
}

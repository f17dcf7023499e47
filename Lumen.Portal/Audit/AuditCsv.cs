using Lumen.Infrastructure.Audit;
using Lumen.Portal.Display;

namespace Lumen.Portal.Audit;

/// <summary>Audit entries as CSV rows (<see cref="Csv"/>: RFC 4180, formulas neutralised, times UTC and the header says so).</summary>
public static class AuditCsv
{
    public const string Header = "id,time_utc,actor,action,client,clients,summary,client_change,detail";

    public static string Row(AuditEntry e) => string.Join(',',
        Csv.Number(e.Id), Csv.Time(e.At), Csv.Text(e.Actor), Csv.Text(e.Action), Csv.Text(e.Client), Csv.Number(e.ClientCount),
        Csv.Text(e.Summary), Csv.Text(e.ClientChange), Csv.Text(e.Detail));
}

using System.Globalization;
using System.Text;
using Lumen.Infrastructure.Audit;

namespace Lumen.Portal.Audit;

/// <summary>
/// Audit entries as CSV (RFC 4180: comma-separated, CRLF, fields quoted when they hold a comma, quote or line break).
/// Text that a spreadsheet would run as a formula (beginning with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, tab or CR) is
/// prefixed with <c>'</c>; numbers are written as they are. Times are UTC, and the header says so.
/// </summary>
public static class AuditCsv
{
    public const string Header = "id,time_utc,actor,action,client,clients,summary,client_change,detail";

    public static string Row(AuditEntry e) => string.Join(',',
        e.Id.ToString(CultureInfo.InvariantCulture),
        e.At.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        Text(e.Actor), Text(e.Action), Text(e.Client), e.ClientCount.ToString(CultureInfo.InvariantCulture),
        Text(e.Summary), Text(e.ClientChange), Text(e.Detail));

    /// <summary>One text field: neutralised if a spreadsheet would read it as a formula, then quoted if it needs to be.</summary>
    public static string Text(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r') value = "'" + value;
        return value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    /// <summary>Writes every page <paramref name="next"/> gives (it is called with the cursor of the page before), header first.</summary>
    public static async Task WriteAsync(Stream body, AuditPage first, Func<long, Task<AuditPage>> next, CancellationToken ct)
    {
        await using var writer = new StreamWriter(body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), leaveOpen: true) { NewLine = "\r\n" };
        await writer.WriteLineAsync(Header);
        for (var page = first; ; page = await next(page.Older!.Value))
        {
            foreach (var entry in page.Entries) await writer.WriteLineAsync(Row(entry));
            await writer.FlushAsync(ct);
            if (page.Older is null) break;
        }
    }
}

using System.Globalization;
using System.Text;
using Lumen.Infrastructure.UseCases;

namespace Lumen.Portal.Display;

/// <summary>
/// The portal's CSV exports (the audit trail, a client's history, its request log): RFC 4180 (comma-separated, CRLF,
/// fields quoted when they hold a comma, quote or line break), UTF-8 without a byte-order mark. Text that a spreadsheet
/// would run as a formula (beginning with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, tab or CR) is prefixed with <c>'</c>;
/// numbers are written as numbers, times in UTC (<c>2026-03-01T09:00:05Z</c>).
/// </summary>
public static class Csv
{
    /// <summary>One text field: neutralised if a spreadsheet would read it as a formula, then quoted if it needs to be.</summary>
    public static string Text(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r') value = "'" + value;
        return value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    /// <summary>A number as it is (a negative one keeps its sign: it is a number, not text).</summary>
    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>An exact decimal (coins to six places) as a number, without trailing zeros.</summary>
    public static string Number(decimal value) => value.ToString("0.######", CultureInfo.InvariantCulture);

    /// <summary>A UTC time to the second, ISO 8601 with its <c>Z</c>.</summary>
    public static string Time(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// The answer to an export whose filter <paramref name="name"/> was given but not understood: 400 naming it, never
    /// an export without that filter, which would pass for the rows asked for.
    /// </summary>
    public static IResult UnreadableParameter(string name) => Results.Problem(statusCode: StatusCodes.Status400BadRequest,
        title: $"The query parameter '{name}' is not understood.",
        detail: $"Correct '{name}' or leave it out: times are ISO 8601 (2026-03-01 or 2026-03-01T09:00:00Z), other filters one of the values the page offers.");

    /// <summary>
    /// Answers a GET with a CSV download of every page <paramref name="read"/> gives: the first (cursor null), then each
    /// from the cursor <paramref name="older"/> names on the page before, until there is none. The first read decides
    /// the answer (403 for Forbidden, 404 otherwise, as the page answers); the rest is streamed as it is read.
    /// </summary>
    public static async Task<IResult> ExportAsync<TPage, TCursor>(HttpContext http, string file, string header,
        Func<TCursor?, Task<Outcome<TPage>>> read, Func<TPage, IEnumerable<string>> rows, Func<TPage, TCursor?> older)
        where TCursor : struct
    {
        var first = await read(null);
        if (!first.Succeeded)
            return first.Failure!.Kind == FailureKind.Forbidden ? Results.Forbid() : Results.NotFound(first.Failure.Message);
        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{file}\"";
        var ct = http.RequestAborted;
        await using var writer = new StreamWriter(http.Response.Body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), leaveOpen: true)
        {
            NewLine = "\r\n",
        };
        await writer.WriteLineAsync(header);
        var page = first.Value!;
        while (true)
        {
            foreach (var row in rows(page)) await writer.WriteLineAsync(row);
            await writer.FlushAsync(ct);
            if (older(page) is not { } cursor) break;
            var next = await read(cursor);
            // A permission taken away between two pages ends the export there.
            if (!next.Succeeded) break;
            page = next.Value!;
        }
        return Results.Empty;
    }
}

using Lumen.Infrastructure.RequestLog;
using Lumen.Portal.Display;

namespace Lumen.Portal.RequestLog;

/// <summary>
/// Request-log rows as CSV (<see cref="Csv"/>): times UTC and the header says so; status, tokens, coins and duration as
/// numbers; the rest as text, neutralised where a spreadsheet would run it (a model name is the caller's text).
/// </summary>
public static class RequestLogCsv
{
    public const string Header =
        "time_utc,key_hint,model,status,error_code,input_tokens,output_tokens,coins,duration_ms,operation,outcome,request_id";

    public static string Row(RequestLogEntry e) => string.Join(',',
        Csv.Time(e.At), Csv.Text(e.KeyHint), Csv.Text(e.Model), Csv.Number(e.Status), Csv.Text(e.ErrorCode),
        Csv.Number(e.InputTokens), Csv.Number(e.OutputTokens), Csv.Number(e.Coins.Value), Csv.Number(e.DurationMs),
        Csv.Text(e.Operation), Csv.Text(e.Outcome), Csv.Text(e.RequestId));
}

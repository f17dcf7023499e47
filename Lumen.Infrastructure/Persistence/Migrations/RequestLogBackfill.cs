namespace Lumen.Infrastructure.Persistence.Migrations;

/// <summary>
/// Gives rows logged before outcomes existed the outcome word of §15 that their status and error code meant. Plain SQL
/// with double-quoted names, which SQLite, PostgreSQL and SQL Server (QUOTED_IDENTIFIER, on by default) all take.
/// </summary>
internal static class RequestLogBackfill
{
    public const string Outcomes = """
        UPDATE "request_log" SET "Outcome" = CASE
            WHEN "Status" = 200 THEN 'ok'
            WHEN "ErrorCode" = 'invalid_request' THEN 'invalid_request'
            WHEN "ErrorCode" = 'invalid_api_key' THEN 'invalid_key'
            WHEN "ErrorCode" = 'client_inactive' THEN 'refused_inactive'
            WHEN "ErrorCode" IN ('model_not_found', 'model_not_allowed') THEN 'refused_access'
            WHEN "ErrorCode" = 'consent_required' THEN 'refused_consent'
            WHEN "ErrorCode" = 'insufficient_quota' THEN 'refused_budget'
            WHEN "ErrorCode" = 'client_closed' THEN 'client_closed'
            ELSE 'upstream_error' END
        WHERE "Outcome" = ''
        """;
}

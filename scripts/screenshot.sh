#!/usr/bin/env bash
# Renders the README's pictures: docs/clients-page.png, docs/client-detail.png, docs/audit-page.png, docs/usage-charts.png,
# docs/request-log.png and docs/models-page.png (/models with one of llama3's two endpoints down): the browser tests sign in as an admin on portals seeded with realistic clients and capture
# /clients, /clients/research-bot (its default tab, Usage), /audit, a busy day's usage charts and a filtered request
# log (its tab, /clients/research-bot/log). Needs what scripts/test.sh installs (Chromium; run that once first).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
LUMEN_UPDATE_SCREENSHOT=1 dotnet test Lumen.Tests/Lumen.Tests.csproj \
  --filter "FullyQualifiedName~Lumen.Tests.Browser.ClientsPageScreenshot|FullyQualifiedName~Lumen.Tests.Browser.ClientDetailScreenshot|FullyQualifiedName~Lumen.Tests.Browser.AuditPageTests.Audit_page_is_captured|FullyQualifiedName~Lumen.Tests.Browser.UsageChartsTests.Usage_charts_of_a_busy_day_are_captured|FullyQualifiedName~Lumen.Tests.Browser.RequestLogTests.Request_log_filtered_by_model_is_captured|FullyQualifiedName~Lumen.Tests.Browser.ModelsPageTests.Models_page_with_a_degraded_model_is_captured" --logger "console;verbosity=normal" </dev/null
ls -l docs/clients-page.png docs/client-detail.png docs/audit-page.png docs/usage-charts.png docs/request-log.png docs/models-page.png

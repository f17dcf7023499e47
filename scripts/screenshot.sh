#!/usr/bin/env bash
# Renders docs/clients-page.png (the picture in the README), docs/client-detail.png, docs/audit-page.png and docs/usage-charts.png: the browser tests
# ClientsPageScreenshot and ClientDetailScreenshot sign in as an admin on portals seeded with realistic clients and
# capture /clients and /clients/research-bot. Needs what scripts/test.sh installs
# (Chromium; run that once first).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
LUMEN_UPDATE_SCREENSHOT=1 dotnet test Lumen.Tests/Lumen.Tests.csproj \
  --filter "FullyQualifiedName~Lumen.Tests.Browser.ClientsPageScreenshot|FullyQualifiedName~Lumen.Tests.Browser.ClientDetailScreenshot|FullyQualifiedName~Lumen.Tests.Browser.AuditPageTests.Audit_page_is_captured|FullyQualifiedName~Lumen.Tests.Browser.UsageChartsTests.Usage_charts_of_a_busy_day_are_captured" --logger "console;verbosity=normal" </dev/null
ls -l docs/clients-page.png docs/client-detail.png docs/audit-page.png docs/usage-charts.png

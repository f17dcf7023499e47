#!/usr/bin/env bash
# Renders docs/clients-page.png (the picture in the README): the browser test ClientsPageScreenshot signs in as an
# admin on a portal seeded with fourteen realistic clients and captures /clients. Needs what scripts/test.sh installs
# (Chromium; run that once first).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
LUMEN_UPDATE_SCREENSHOT=1 dotnet test Lumen.Tests/Lumen.Tests.csproj \
  --filter "FullyQualifiedName~Lumen.Tests.Browser.ClientsPageScreenshot" --logger "console;verbosity=normal" </dev/null
ls -l docs/clients-page.png

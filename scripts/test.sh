#!/usr/bin/env bash
# The one test command (README): installs what a fresh Debian machine lacks, builds and tests
# Lumen.sln, and ends with one plain line "N passed, N failed" (", N skipped" only when N > 0).
# Exits non-zero if the build or any test failed. CI runs it as root, with no stdin, via .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

apt_updated=""
# apt_install PACKAGE...: install system packages (root only; otherwise say what is missing).
apt_install() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "test.sh: missing $*; install it (apt-get install -y $*) or run as root" >&2
    exit 1
  fi
  [ -n "$apt_updated" ] || { apt-get update -q; apt_updated=1; }
  apt-get install -y -q "$@" </dev/null
}

# PostgreSQL server binaries, for the tests' own throwaway cluster on a free loopback port
# (Lumen.Tests/Infrastructure/Databases/PostgresServer.cs). The system cluster the Debian package
# creates is never used: we don't start, stop or change it. LUMEN_TEST_POSTGRES names a server instead.
install_postgresql() {
  [ -n "${LUMEN_TEST_POSTGRES:-}" ] && return
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || apt_install postgresql
}

# Browser tests (Lumen.Tests/Browser): Debian's Chromium, driven by Playwright .NET through
# /usr/bin/chromium (Playwright cannot download its own browsers here), and a real OpenID Connect
# provider (npm oidc-provider, pinned by Lumen.Tests/Browser/oidc/package-lock.json) run by Node.
install_e2e_tools() {
  [ -x /usr/bin/chromium ] || apt_install chromium
  command -v node >/dev/null && command -v npm >/dev/null || apt_install nodejs npm
  local oidc=Lumen.Tests/Browser/oidc
  if [ -f "$oidc/package-lock.json" ]; then
    npm ci --prefix "$oidc" --no-audit --no-fund --loglevel=error </dev/null
  else
    npm install --prefix "$oidc" --no-audit --no-fund --loglevel=error oidc-provider@9 </dev/null
  fi
}

# promtool (Debian's prometheus package, without its recommends) lints what /metrics serves
# (Lumen.Tests/Operations/GatewayMetricsTests.cs).
install_promtool() {
  command -v promtool >/dev/null || apt_install --no-install-recommends prometheus
}

# Debian's redis-server, for the several-instances tests' own throwaway server on a free loopback port
# (Lumen.Tests/Instances/RedisServer.cs). The system service the package may start is never used.
install_redis() {
  command -v redis-server >/dev/null || apt_install --no-install-recommends redis-server
}

# Debian's python3-aiosmtpd, run by Debian's own python3 as the notification tests' SMTP server on a free
# loopback port (Lumen.Tests/Notifications/TestSmtpServer.cs), plain, STARTTLS or TLS, writing each mail to a Maildir.
install_smtp_server() {
  /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || apt_install --no-install-recommends python3-aiosmtpd
}

install_postgresql
install_redis
install_smtp_server
install_e2e_tools
install_promtool

results="$PWD/TestResults/test-sh"
rm -rf "$results"
dotnet tool restore
status=0
dotnet test Lumen.sln --logger trx --logger "console;verbosity=minimal" --results-directory "$results" \
  </dev/null || status=$?

# Count outcomes from the TRX files: one UnitTestResult per test (per theory case).
python3 - "$results" <<'PY' || status=1
import glob, sys, xml.etree.ElementTree as ET
ns = "{http://microsoft.com/schemas/VisualStudio/TeamTest/2010}"
files = glob.glob(sys.argv[1] + "/*.trx")
passed = failed = skipped = 0
for f in files:
    for r in ET.parse(f).getroot().iter(ns + "UnitTestResult"):
        outcome = r.get("outcome")
        if outcome == "Passed": passed += 1
        elif outcome == "NotExecuted": skipped += 1
        else: failed += 1
if not files: print("test.sh: no test results (did the build fail?)", file=sys.stderr)
print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
sys.exit(1 if failed or not files else 0)
PY
exit "$status"

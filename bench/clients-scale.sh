#!/usr/bin/env bash
# Dashboard at scale and reload latency (issue #7), end to end, on 127.0.0.1 only:
#   for 10,000 and 100,000 clients seeded into SQLite (with usage, and managers for ~30% of them),
#   1. ClientDirectory.QueryAsync for every sort column, both directions, with and without a search, the first and
#      a deep page, as an admin and as a manager (p50/p95 over RUNS runs, warm and with the totals recomputed);
#   2. ConfigSync.ApplyAsync for a save that changes every client (default max) and one that changes one;
#   3. the portal (a Release publish, ReadyToRun as deployed; Development environment for its sign-in page) over
#      that database: the first (server-prerendered) render of /clients and of a detail page over HTTP with a
#      signed-in cookie, then the time from saving config.yaml to the change's notice in an open Chromium view of
#      /clients, over SAVES saves;
#   4. the audit trail (§17): AUDIT_PER_CLIENT (default 10) audit entries per client seeded (1,000,000 for 100,000
#      clients, with a config apply linked to 1,000 clients every 10,000th), then AuditService's /audit pages, filters
#      and a client's history, p50/p95 over RUNS runs;
#   5. the usage charts (§16): 30 days of hourly usage (the first 1,000 clients every hour, a tail of 20,000 with five
#      hours each) written into the ledger's tables of the seeded database, then UsageBoard's /clients board and a
#      detail page's charts, p50/p95 over RUNS runs.
# Prints markdown (also written to $OUT/results.md). Each step is bounded by a timeout; the portal and the browser
# are children of the bench program and stop with it.
#
# Settings (environment): SIZES (default "10000 100000"), RUNS (query runs per case, default 15), APPLY_RUNS
# (default 3), RENDERS (default 20), SAVES (default 20), OUT (default /tmp/lumen-clients-scale), BUILD (0 skips
# the Release build and publish), STEPS (default "query apply web audit usage": which steps to run after seeding).
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
SIZES=${SIZES:-"10000 100000"}
RUNS=${RUNS:-15}
APPLY_RUNS=${APPLY_RUNS:-3}
RENDERS=${RENDERS:-20}
SAVES=${SAVES:-20}
STEPS=${STEPS:-"query apply web audit usage"}
AUDIT_PER_CLIENT=${AUDIT_PER_CLIENT:-10}
OUT=${OUT:-/tmp/lumen-clients-scale}
BENCH=$REPO/bench/ClientsScale/bin/Release/net10.0/ClientsScale
PORTAL=$OUT/portal/Lumen.Portal.dll

die() { echo "FAIL: $*" >&2; exit 1; }
command -v dotnet >/dev/null || die "dotnet is not installed"
[ -x /usr/bin/chromium ] || die "Chromium is needed for the reload runs: apt-get install -y chromium"

mkdir -p "$OUT"
exec > >(tee "$OUT/results.md")
echo "# Clients at scale: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), Release, SQLite"
if [ "${BUILD:-1}" != 0 ]; then
  echo "building (Release) ..." >&2
  dotnet publish "$REPO/Lumen.Portal/Lumen.Portal.csproj" -c Release -o "$OUT/portal" --nologo -v q >&2
  dotnet build "$REPO/bench/ClientsScale/ClientsScale.csproj" -c Release --nologo -v q >&2
fi

for n in $SIZES; do
  echo
  echo "## $n clients"
  db=$OUT/clients-$n.db
  timeout 900 "$BENCH" seed "$db" "$n"
  cp "$db" "$OUT/pristine.db"; [ ! -f "$db-wal" ] || die "the seeded database was left with a write-ahead log"
  if [[ " $STEPS " == *" query "* ]]; then
    echo "load before the query runs: $(cut -d' ' -f1-3 /proc/loadavg)"
    timeout 3600 "$BENCH" query "$db" "$RUNS"
  fi
  if [[ " $STEPS " == *" apply "* ]]; then
    echo "load before the apply runs: $(cut -d' ' -f1-3 /proc/loadavg)"
    timeout 1800 "$BENCH" apply "$db" "$APPLY_RUNS"
    cp "$OUT/pristine.db" "$db"; rm -f "$db-wal" "$db-shm"
  fi
  if [[ " $STEPS " == *" web "* ]]; then
    echo "load before the portal runs: $(cut -d' ' -f1-3 /proc/loadavg)"
    timeout 1800 "$BENCH" web "$PORTAL" "$db" "$OUT/web-$n" "$RENDERS" "$SAVES"
  fi
  if [[ " $STEPS " == *" audit "* ]]; then
    echo "load before the audit runs: $(cut -d' ' -f1-3 /proc/loadavg)"
    cp "$OUT/pristine.db" "$db"; rm -f "$db-wal" "$db-shm"
    timeout 1200 "$BENCH" audit-seed "$db" "$((n * AUDIT_PER_CLIENT))"
    timeout 1800 "$BENCH" audit "$db" "$RUNS"
  fi
  if [[ " $STEPS " == *" usage "* ]]; then
    echo "load before the usage runs: $(cut -d' ' -f1-3 /proc/loadavg)"
    cp "$OUT/pristine.db" "$db"; rm -f "$db-wal" "$db-shm"
    timeout 1200 "$BENCH" usage-seed sqlite "$db" "$n" 1000
    timeout 1800 "$BENCH" usage sqlite "$db" "$RUNS"
  fi
  echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
done

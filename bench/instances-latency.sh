#!/usr/bin/env bash
# Several instances (issue #19): how long a call on instance A takes to reach a /hubs/clients listener on instance B,
# with Redis (pub/sub) and without (the change journal, read every Lumen:ChangePollSeconds = 2 s). Starts a
# throwaway PostgreSQL cluster and a throwaway redis-server on free loopback ports, two portals (the Debug build, in
# Development for its sign-in page) over them, runs bench/InstancesLatency against them, stops everything.
# Env: BENCH_CALLS (default 60), BENCH_OUT (default /tmp/lumen-instances-bench).
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
CALLS=${BENCH_CALLS:-60}
WORK=${BENCH_OUT:-/tmp/lumen-instances-bench}
rm -rf "$WORK"; mkdir -p "$WORK"
die() { echo "instances-latency: $*" >&2; exit 1; }
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

PIDS=(); PG_STOP=""
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  [ -z "$PG_STOP" ] || eval "$PG_STOP" >/dev/null 2>&1 || true
}
trap cleanup EXIT

dotnet build "$REPO/Lumen.Portal" --nologo -v q >/dev/null
dotnet build "$REPO/bench/InstancesLatency" --nologo -v q >/dev/null
PORTAL="$REPO/Lumen.Portal/bin/Debug/net10.0/Lumen.Portal.dll"
BENCH="$REPO/bench/InstancesLatency/bin/Debug/net10.0/InstancesLatency.dll"

PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
[ -x "$PGBIN/initdb" ] || die "PostgreSQL server binaries are not installed (apt-get install -y postgresql)"
PGDIR="$WORK/pg"; mkdir -p "$PGDIR"; PGPORT=$(port)
as_pg() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$PGDIR" && chmod o+rx "$WORK"
as_pg "$PGBIN/initdb -D $PGDIR/data -A trust -U lumen" >"$WORK/pg-init.log" 2>&1 || die "initdb failed"
as_pg "$PGBIN/pg_ctl -D $PGDIR/data -o '-p $PGPORT -k $PGDIR -c listen_addresses=127.0.0.1' -l $PGDIR/log -w start" >/dev/null
PG_STOP="as_pg \"$PGBIN/pg_ctl -D $PGDIR/data -m fast -w stop\""

REDIS_PORT=$(port)
command -v redis-server >/dev/null || die "redis-server is not installed (apt-get install -y redis-server)"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no >"$WORK/redis.log" 2>&1 &
PIDS+=($!)

cp "$REPO/config/config.yaml" "$WORK/config.yaml"
common=(ASPNETCORE_ENVIRONMENT=Development Database__Provider=PostgreSQL
        "ConnectionStrings__Lumen=Host=127.0.0.1;Port=$PGPORT;Username=lumen;Database=lumen"
        Lumen__ConfigPath="$WORK/config.yaml" Lumen__ApiKeySecret=instances-bench-secret-0123456789abcdefghij
        Logging__LogLevel__Default=Warning)
psql -h 127.0.0.1 -p "$PGPORT" -U lumen -d postgres -qc "CREATE DATABASE lumen" >/dev/null
cli() { (cd "$WORK" && env "${common[@]}" dotnet "$PORTAL" "$@"); }
cli init-db >/dev/null
cli clients create bench-bot >/dev/null
KEY=$(cli keys create bench-bot | tail -n1)

run() { # run LABEL [VAR=value ...]: start A and B with the extra settings, measure, stop them
  local label=$1; shift
  local pa pb; pa=$(port); pb=$(port)
  (cd "$WORK" && exec env "${common[@]}" "$@" dotnet "$PORTAL" --urls "http://127.0.0.1:$pa" --contentRoot "$REPO/Lumen.Portal") >"$WORK/a-$label.log" 2>&1 &
  local a=$!
  (cd "$WORK" && exec env "${common[@]}" "$@" dotnet "$PORTAL" --urls "http://127.0.0.1:$pb" --contentRoot "$REPO/Lumen.Portal") >"$WORK/b-$label.log" 2>&1 &
  local b=$!
  PIDS+=($a $b)
  for p in $pa $pb; do
    for _ in $(seq 120); do curl -fs "http://127.0.0.1:$p/healthz" >/dev/null && break; sleep 0.5; done
  done
  dotnet "$BENCH" "http://127.0.0.1:$pa/" "http://127.0.0.1:$pb/" "$KEY" bench-bot "$CALLS" "$label"
  kill $a $b; wait $a $b 2>/dev/null || true
}

run redis Redis__Configuration="127.0.0.1:$REDIS_PORT"
run journal

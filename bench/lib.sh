# Shared by the load scripts in bench/: sourced, not run. Stops every process a script started (PIDS) and its
# PostgreSQL cluster on exit.
die() { echo "FAIL: $*" >&2; exit 1; }
PIDS=()
PG_STOP=""
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ -z "$PG_STOP" ] || eval "$PG_STOP" >/dev/null 2>&1 || true
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# start_postgres WORKDIR: a throwaway cluster in WORKDIR/pg on a free loopback port, fsync on, as the tests start one
# (PostgreSQL refuses to run as root: then as the postgres user), with an empty database `lumen`. Sets PGPORT, PGDIR.
start_postgres() {
  local work=$1 pgbin
  pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
  [ -x "$pgbin/initdb" ] || die "PostgreSQL server binaries are not installed (apt-get install -y postgresql)"
  PGPORT=$(free_port)
  PGDIR=$work/pg
  mkdir -p "$PGDIR"
  [ "$(id -u)" = 0 ] && chown postgres "$PGDIR" "$work" && chmod o+rx "$work"
  as_pg "$pgbin/initdb -D $PGDIR/data -A trust -U lumen" >"$work/pg-init.log" 2>&1 || die "initdb failed: $(tail -3 "$work/pg-init.log")"
  as_pg "$pgbin/pg_ctl -D $PGDIR/data -o '-p $PGPORT -k $PGDIR -c listen_addresses=127.0.0.1 -c fsync=on -c max_connections=200${PG_EXTRA_OPTIONS:+ $PG_EXTRA_OPTIONS}' -l $PGDIR/log -w start" >/dev/null ||
    die "PostgreSQL did not start: $(tail -5 "$PGDIR/log")"
  PG_STOP="as_pg \"$pgbin/pg_ctl -D $PGDIR/data -m fast -w stop\""
  psql -h 127.0.0.1 -p "$PGPORT" -U lumen -d postgres -qc "CREATE DATABASE lumen" >/dev/null
}
as_pg() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }

# A process's memory in MB: its peak (VmHWM) and now (VmRSS).
hwm_mb() { awk '$1 == "VmHWM:" {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
rss_mb() { awk '$1 == "VmRSS:" {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }

# A published portal (OUT/portal) run in WORK as a deployment runs it: Production, WORK/config.yaml, SQLite in
# WORK/data, a fixed key secret, an OIDC section that is never called. `cli` runs its command line there;
# `start_published_portal PORT` starts it on a loopback PORT and waits until /v1 answers (sets PORTAL, its pid).
published_portal_env() {
  export ASPNETCORE_ENVIRONMENT=Production LUMEN_CONFIG=$WORK/config.yaml
  export Lumen__ApiKeySecret=bench-secret-0123456789-abcdefghijklmnopqrstuvwxyz
  export Oidc__Authority=https://oidc.invalid/ Oidc__ClientId=bench Oidc__ClientSecret=bench
}
cli() { (cd "$WORK" && "$OUT/portal/Lumen.Portal" "$@"); }
start_published_portal() {
  (cd "$WORK" && exec "$OUT/portal/Lumen.Portal" --urls "http://127.0.0.1:$1" --contentRoot "$OUT/portal") >"$WORK/portal.log" 2>&1 &
  PORTAL=$!
  PIDS+=("$PORTAL")
  for _ in $(seq 1 120); do
    [ "$(curl -s --max-time 2 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/v1/models")" = 401 ] && break
    sleep 0.5
  done
}

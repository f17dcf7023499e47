# Shared by the load scripts in bench/: sourced, not run. Stops every process a script started (PIDS) and its
# PostgreSQL cluster on exit.
die() { echo "FAIL: $*" >&2; exit 1; }
PIDS=()
PG_STOP=""
REMOVE_ON_EXIT="" # a script's working directory, set once it succeeded: removed after PostgreSQL stops (pg_ctl needs its data)
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ -z "$PG_STOP" ] || eval "$PG_STOP" >/dev/null 2>&1 || true
  [ -z "$REMOVE_ON_EXIT" ] || rm -rf "$REMOVE_ON_EXIT"
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

# The clients section of the load benches' configs: a pool so large that no run is refused, refilled at 3600 coins an
# hour, exactly 1,000 micro-coins a millisecond, so a run's balance can be checked to the micro-coin.
BENCH_CLIENTS_YAML='clients:
  default:
    max: 1000000000.0
    refresh: 3600.0
    starting: 1000000.0
    model_access: {default: whitelist}'

# publish_release OUT PROJECT:NAME...: publishes each project (a path in the repository, REPO) in Release into OUT/NAME,
# unless BENCH_PUBLISH=0 (then the last publish in OUT is used).
publish_release() {
  local out=$1 project
  shift
  mkdir -p "$out"
  [ "${BENCH_PUBLISH:-1}" != 0 ] || return 0
  echo "publishing (Release) ..." >&2
  for project in "$@"; do dotnet publish "$REPO/${project%%:*}" -c Release -o "$out/${project##*:}" --nologo -v q >&2; done
}

# use_bench_database WORK: the database of BENCH_DB, sqlite (the default: WORK/data/lumen.db, where a portal run in WORK
# keeps it) or postgresql (start_postgres WORK; BENCH_PG_OPTIONS adds connection-string options, e.g. "Max Auto
# Prepare=20"). Points the portal processes started afterwards at it, and defines `sql QUERY` (rows |-separated).
use_bench_database() {
  BENCH_DB=${BENCH_DB:-sqlite}
  if [ "$BENCH_DB" = postgresql ]; then
    start_postgres "$1"
    export Database__Provider=PostgreSQL ConnectionStrings__Lumen="Host=127.0.0.1;Port=$PGPORT;Database=lumen;Username=lumen${BENCH_PG_OPTIONS:+;$BENCH_PG_OPTIONS}"
    sql() { psql -h 127.0.0.1 -p "$PGPORT" -U lumen -d lumen -AtF '|' -c "$1"; }
  else
    [ "$BENCH_DB" = sqlite ] || die "BENCH_DB is sqlite or postgresql, not $BENCH_DB"
    BENCH_SQLITE_FILE=$1/data/lumen.db
    sql() { sqlite3 -readonly "$BENCH_SQLITE_FILE" "$1"; }
  fi
}

# A client's pool and its request-log totals, as one line of |-separated numbers: requests, balance, balance as-of ms,
# coins spent, input tokens, output tokens, log rows with status 200, their coins, log rows with any other status.
# (Names quoted, as PostgreSQL keeps the schema's mixed case only so; SQLite reads them the same.)
POOL_SQL='SELECT p."Requests", p."BalanceMicros", p."BalanceAsOfMs", p."CoinsSpentMicros", p."InputTokens", p."OutputTokens",
  (SELECT COUNT(*) FROM request_log r WHERE r."ClientId" = c."Id" AND r."Status" = 200),
  (SELECT COALESCE(SUM(r."CoinsMicros"), 0) FROM request_log r WHERE r."ClientId" = c."Id" AND r."Status" = 200),
  (SELECT COUNT(*) FROM request_log r WHERE r."ClientId" = c."Id" AND r."Status" <> 200)
  FROM clients c JOIN coin_pools p ON p."ClientId" = c."Id" WHERE c."Name" = '"'%s'"';'
# shellcheck disable=SC2059 # POOL_SQL is the format
pool() { sql "$(printf "$POOL_SQL" "$1")"; }

# pool_change_check BEFORE AFTER CALLS COST IN OUT: whether a client's pool and request log (two pool() lines) moved by
# exactly CALLS successful calls of COST micro-coins and IN/OUT tokens each, none refused or failed, and its balance by
# −spent + the refill (REFILL_MICROS_PER_MS a millisecond of the pool's as-of time). Sets POOL_FAILS (what disagrees,
# empty when nothing does), POOL_SPENT and POOL_REFILL (micro-coins).
pool_change_check() {
  local ok=$3 cost=$4 in=$5 out=$6 r0 b0 a0 s0 i0 o0 l0 lc0 f0 r1 b1 a1 s1 i1 o1 l1 lc1 f1
  IFS='|' read -r r0 b0 a0 s0 i0 o0 l0 lc0 f0 <<<"$1"
  IFS='|' read -r r1 b1 a1 s1 i1 o1 l1 lc1 f1 <<<"$2"
  POOL_SPENT=$((s1 - s0))
  POOL_REFILL=$((REFILL_MICROS_PER_MS * (a1 - a0)))
  POOL_FAILS=""
  [ $((r1 - r0)) = "$ok" ] || POOL_FAILS+=" pool requests +$((r1 - r0)) != $ok;"
  [ $((l1 - l0)) = "$ok" ] || POOL_FAILS+=" request-log 200 rows +$((l1 - l0)) != $ok;"
  [ $((f1 - f0)) = 0 ] || POOL_FAILS+=" $((f1 - f0)) refused/failed rows logged;"
  [ "$POOL_SPENT" = $((ok * cost)) ] || POOL_FAILS+=" coins spent +$POOL_SPENT != $ok x $cost;"
  [ $((lc1 - lc0)) = "$POOL_SPENT" ] || POOL_FAILS+=" request-log coins +$((lc1 - lc0)) != pool +$POOL_SPENT;"
  [ $((i1 - i0)) = $((ok * in)) ] || POOL_FAILS+=" input tokens +$((i1 - i0)) != $ok x $in;"
  [ $((o1 - o0)) = $((ok * out)) ] || POOL_FAILS+=" output tokens +$((o1 - o0)) != $ok x $out;"
  [ $((b1 - b0)) = $((-POOL_SPENT + POOL_REFILL)) ] || POOL_FAILS+=" balance $b0 -> $b1 != -$POOL_SPENT spent + $POOL_REFILL refill;"
}

# A process's CPU so far in clock ticks (getconf CLK_TCK a second): utime + stime (comm has no spaces here).
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" | tail -n1; }

# A process's memory in MB: its peak (VmHWM) and now (VmRSS).
hwm_mb() { awk '$1 == "VmHWM:" {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
rss_mb() { awk '$1 == "VmRSS:" {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }

# A published portal (OUT/portal) run in WORK as a deployment runs it: Production, WORK/config.yaml, SQLite in
# WORK/data, a fixed key secret, an OIDC section that is never called. `cli` runs its command line there;
# `start_published_portal PORT` starts it on a loopback PORT (with BENCH_PORTAL_ENV's VAR=value words) and waits until
# /v1 answers (sets PORTAL, its pid).
published_portal_env() {
  export ASPNETCORE_ENVIRONMENT=Production LUMEN_CONFIG=$WORK/config.yaml
  export Lumen__ApiKeySecret=bench-secret-0123456789-abcdefghijklmnopqrstuvwxyz
  export Oidc__Authority=https://oidc.invalid/ Oidc__ClientId=bench Oidc__ClientSecret=bench
}
cli() { (cd "$WORK" && "$OUT/portal/Lumen.Portal" "$@"); }
start_published_portal() {
  # shellcheck disable=SC2086 # BENCH_PORTAL_ENV is a list of VAR=value words (e.g. DOTNET_gcServer=0)
  (cd "$WORK" && exec env ${BENCH_PORTAL_ENV:-} "$OUT/portal/Lumen.Portal" --urls "http://127.0.0.1:$1" --contentRoot "$OUT/portal") >"$WORK/portal.log" 2>&1 &
  PORTAL=$!
  PIDS+=("$PORTAL")
  for _ in $(seq 1 120); do
    [ "$(curl -s --max-time 2 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/v1/models")" = 401 ] && break
    sleep 0.5
  done
}

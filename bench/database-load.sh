#!/usr/bin/env bash
# The built-in `dummy` model under load on each database (issue #18), in one session so the figures compare:
#   sqlite-1     one portal on SQLite, one client
#   pg-1         one portal on PostgreSQL, one client
#   pg-1-spread  one portal on PostgreSQL, the calls spread over 16 clients
#   pg-2-hot     two portals on one PostgreSQL database, one client (each gets half the connections)
#   pg-2-spread  two portals on one PostgreSQL database, 16 clients, every portal sent calls of all 16
#   pg-2-sticky  the same 16 clients, each portal sent the calls of its own 8 (as a proxy that routes by key would)
# Every run uses new clients, and after it the script checks that wrk's successful calls, each pool's counters, its
# request log, the coins and the balance (refill to the micro-coin) agree exactly; it fails loudly otherwise. The
# PostgreSQL cluster is a throwaway one on a free loopback port, fsync on. CPU is read from /proc: the portals', the
# database's (every postgres process; SQLite runs inside the portal) and wrk's, each per successful call.
#
# Settings (environment): BENCH_SECONDS (load window, default 10), BENCH_WARMUP (seconds per setup, default 5),
# BENCH_CONCURRENCY (default 32, split between the portals), BENCH_ROUNDS (default 2; the order of the setups
# alternates by round, so drift within the session does not favour one), BENCH_SETUPS (default all six),
# BENCH_PUBLISH (0 reuses an earlier publish), BENCH_OUT (default /tmp/lumen-dbbench), BENCH_PG_OPTIONS (extra
# connection-string options), BENCH_STATEMENTS=1 (after each PostgreSQL run, what each statement cost the server per
# call, from pg_stat_statements). Prints a markdown table (also written to $BENCH_OUT/results.md).
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
WINDOW=${BENCH_SECONDS:-10}
WARMUP=${BENCH_WARMUP:-5}
CONC=${BENCH_CONCURRENCY:-32}
ROUNDS=${BENCH_ROUNDS:-2}
SETUPS=${BENCH_SETUPS:-"sqlite-1 pg-1 pg-1-spread pg-2-hot pg-2-spread pg-2-sticky"}
OUT=${BENCH_OUT:-/tmp/lumen-dbbench}
PORTAL_BIN=$OUT/portal
MARGIN=3
SPREAD=16
IN_PRICE=0.5
OUT_PRICE=1.5
REFILL_MICROS_PER_MS=1000 # 3600 coins an hour
TICKS=$(getconf CLK_TCK)

# shellcheck source=bench/lib.sh
source "$REPO/bench/lib.sh"
for tool in wrk sqlite3 psql curl dotnet python3; do command -v $tool >/dev/null || die "$tool is not installed"; done

echo "# $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores, $(git -C "$REPO" rev-parse --short HEAD); load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
mkdir -p "$OUT"
if [ "${BENCH_PUBLISH:-1}" != 0 ]; then
  echo "publishing (Release) ..." >&2
  dotnet publish "$REPO/Lumen.Portal/Lumen.Portal.csproj" -c Release -o "$PORTAL_BIN" --nologo -v q >&2
fi

WORK=$(mktemp -d /tmp/lumen-dbbench-run.XXXXXX)
cat >"$WORK/config.yaml" <<EOF
admins: [bench@example.org]
models:
  - name: dummy
    input_cost_per_million: $IN_PRICE
    output_cost_per_million: $OUT_PRICE
$BENCH_CLIENTS_YAML
EOF
export ASPNETCORE_ENVIRONMENT=Production LUMEN_CONFIG=$WORK/config.yaml
export Lumen__ApiKeySecret=bench-secret-0123456789-abcdefghijklmnopqrstuvwxyz
export Oidc__Authority=https://oidc.invalid/ Oidc__ClientId=bench Oidc__ClientSecret=bench

[ "${BENCH_STATEMENTS:-0}" = 1 ] && PG_EXTRA_OPTIONS="-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track_utility=on"
start_postgres "$WORK"
[ "${BENCH_STATEMENTS:-0}" = 1 ] && psql -h 127.0.0.1 -p "$PGPORT" -U lumen -d lumen -qc "CREATE EXTENSION pg_stat_statements" >/dev/null
mkdir -p "$WORK/sqlite" "$WORK/pg-a" "$WORK/pg-b"
PG_CONNECTION="Host=127.0.0.1;Port=$PGPORT;Database=lumen;Username=lumen${BENCH_PG_OPTIONS:+;$BENCH_PG_OPTIONS}"

# db_env sqlite|pg: the environment words that point a portal process at the database.
db_env() { if [ "$1" = pg ]; then echo "Database__Provider=PostgreSQL ConnectionStrings__Lumen=$PG_CONNECTION"; fi; }
# portal_cli DB DIR ARGS...: the portal's command line, from its working directory.
portal_cli() { local db=$1 dir=$2; shift 2; (cd "$WORK/$dir" && env $(db_env "$db") "$PORTAL_BIN/Lumen.Portal" "$@"); }
sql() {
  if [ "$1" = pg ]; then psql -h 127.0.0.1 -p "$PGPORT" -U lumen -d lumen -AtF '|' -c "$2"
  else sqlite3 -readonly "$WORK/sqlite/data/lumen.db" "$2"; fi
}
portal_cli sqlite sqlite init-db >/dev/null
portal_cli pg pg-a init-db >/dev/null

declare -A PORT PID
start_portal() { # NAME DB DIR
  PORT[$1]=$(free_port)
  # shellcheck disable=SC2046 # db_env is a list of words
  (cd "$WORK/$3" && exec env $(db_env "$2") "$PORTAL_BIN/Lumen.Portal" --urls "http://127.0.0.1:${PORT[$1]}" --contentRoot "$PORTAL_BIN") \
    >"$WORK/portal-$1.log" 2>&1 &
  PID[$1]=$!
  PIDS+=("${PID[$1]}")
  for _ in $(seq 1 120); do
    [ "$(curl -s --max-time 2 -o /dev/null -w '%{http_code}' "http://127.0.0.1:${PORT[$1]}/v1/models" || true)" = 401 ] && return 0
    sleep 0.5
  done
  die "portal $1 did not start (logs in $WORK)"
}
start_portal sqlite sqlite sqlite
start_portal pg-a pg pg-a
start_portal pg-b pg pg-b

# batches PORT: the portal's ledger commits so far and the writes in them ("count sum"), from its /metrics.
batches() {
  curl -s "http://127.0.0.1:$1/metrics" | awk '/^lumen_ledger_batch_size[a-z_]*_count/ {c += $NF} /^lumen_ledger_batch_size[a-z_]*_sum/ {s += $NF} END {print c + 0, s + 0}'
}
cpu_ticks() { local s=0 p; for p in "$@"; do s=$((s + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0))); done; echo $s; }
# This cluster's processes only (the postmaster and its children): other clusters may be running on the machine.
# Backends end with their connections, so the postmaster's waited-for children (cutime, cstime) count too.
pg_ticks() {
  local main; main=$(head -n1 "$PGDIR/data/postmaster.pid")
  echo $(($(awk '{print $16 + $17}' "/proc/$main/stat") + $(cpu_ticks "$main" $(pgrep -P "$main" || true))))
}

# The run's clients' pools and request-log totals, one line each: name|requests|balance|asof|spent|in|out|log200|logcoins|others
POOLS_SQL='SELECT c."Name", p."Requests", p."BalanceMicros", p."BalanceAsOfMs", p."CoinsSpentMicros", p."InputTokens", p."OutputTokens",
  (SELECT COUNT(*) FROM request_log r WHERE r."ClientId" = c."Id" AND r."Status" = 200),
  (SELECT COALESCE(SUM(r."CoinsMicros"), 0) FROM request_log r WHERE r."ClientId" = c."Id" AND r."Status" = 200),
  (SELECT COUNT(*) FROM request_log r WHERE r."ClientId" = c."Id" AND r."Status" <> 200)
  FROM clients c JOIN coin_pools p ON p."ClientId" = c."Id" WHERE c."Name" LIKE '"'%s-%%'"' ORDER BY c."Name";'

# check DB PREFIX OK BEFORE AFTER: every client of the run agrees with itself, and all of them with wrk's OK.
check() {
  local db=$1 prefix=$2 ok=$3 before=$4 after=$5 total=0 cost
  cost=$(sql "$db" "SELECT DISTINCT r.\"CoinsMicros\" FROM request_log r JOIN clients c ON c.\"Id\" = r.\"ClientId\" WHERE c.\"Name\" LIKE '$prefix-%';")
  [ "$(echo "$cost" | wc -l)" = 1 ] || die "$prefix: calls charged different coins: $cost"
  while IFS='|' read -r name r1 b1 a1 s1 i1 o1 l1 lc1 f1; do
    IFS='|' read -r _ r0 b0 a0 s0 _ _ l0 lc0 f0 <<<"$(echo "$before" | grep "^$name|")"
    local fail=""
    [ $((l1 - l0)) = $((r1 - r0)) ] || fail+=" log rows +$((l1 - l0)) != pool requests +$((r1 - r0));"
    [ $((f1 - f0)) = 0 ] || fail+=" $((f1 - f0)) refused rows;"
    [ $((s1 - s0)) = $(((r1 - r0) * cost)) ] || fail+=" spent +$((s1 - s0)) != $((r1 - r0)) x $cost;"
    [ $((lc1 - lc0)) = $((s1 - s0)) ] || fail+=" log coins +$((lc1 - lc0)) != spent +$((s1 - s0));"
    [ $((b1 - b0)) = $((-(s1 - s0) + REFILL_MICROS_PER_MS * (a1 - a0))) ] || fail+=" balance $b0 -> $b1 is not spent plus refill;"
    [ -z "$fail" ] || die "$name:$fail"
    total=$((total + r1 - r0))
  done <<<"$after"
  [ "$total" = "$ok" ] || die "$prefix: pools counted $total calls, wrk saw $ok succeed"
  echo "yes: $ok calls = pools = logs; $((ok * cost)) µc"
}

TABLE=$OUT/results.md
{
  echo "| round | setup | req/s | p50 ms | p99 ms | portal CPU µs/call | database CPU µs/call | wrk CPU µs/call | writes per commit | load | exact |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"
} >"$TABLE"
declare -A SUM_RPS
RUN=0

# measure ROUND SETUP SECONDS [record]: new clients, the load, the checks, one table row.
measure() {
  local round=$1 setup=$2 secs=$3 record=${4:-} db=pg clients=1 portals=(pg-a) sticky=""
  case $setup in
    sqlite-1) db=sqlite; portals=(sqlite) ;;
    pg-1) ;;
    pg-1-spread) clients=$SPREAD ;;
    pg-2-hot) portals=(pg-a pg-b) ;;
    pg-2-spread) clients=$SPREAD; portals=(pg-a pg-b) ;;
    pg-2-sticky) clients=$SPREAD; portals=(pg-a pg-b); sticky=1 ;;
    *) die "unknown setup $setup" ;;
  esac
  RUN=$((RUN + 1))
  local prefix="r$RUN" names=() i n=${#portals[@]}
  declare -A keys=()
  for i in $(seq 1 "$clients"); do names+=("$prefix-$i"); done
  portal_cli "$db" "${db/pg/pg-a}" clients create "${names[@]}" >/dev/null
  # Each portal's keys: every client's, or (sticky) the clients i with i mod n = the portal's place.
  local k=0 key p
  for i in "${names[@]}"; do
    key=$(portal_cli "$db" "${db/pg/pg-a}" keys create "$i" --name load | tail -n1)
    for p in $(seq 0 $((n - 1))); do
      if [ -z "$sticky" ] || [ $((k % n)) = "$p" ]; then keys[$p]+="${keys[$p]:+,}$key"; fi
    done
    k=$((k + 1))
  done
  local before after pids=() wrks=() load p0 d0 per=$((CONC / n)) place=0
  before=$(sql "$db" "$(printf "$POOLS_SQL" "$prefix")")
  for p in "${portals[@]}"; do pids+=("${PID[$p]}"); done
  load=$(cut -d' ' -f1 /proc/loadavg)
  [ "${BENCH_STATEMENTS:-0}" = 1 ] && [ "$db" = pg ] && sql pg "SELECT pg_stat_statements_reset()" >/dev/null
  local b0=() commits=0 writes=0 c s c0 s0
  for p in "${portals[@]}"; do b0+=("$(batches "${PORT[$p]}")"); done
  p0=$(cpu_ticks "${pids[@]}"); d0=0; [ "$db" = pg ] && d0=$(pg_ticks)
  for p in "${portals[@]}"; do
    BENCH_KEYS=${keys[$place]} BENCH_MODEL=dummy BENCH_SECONDS=$secs /usr/bin/time -f '%U %S' -o "$WORK/wrk-$p.time" \
      wrk -t$((n == 1 ? 2 : 1)) -c"$per" -d"$((secs + MARGIN))s" --latency --timeout 10s -s "$REPO/bench/chat.lua" "http://127.0.0.1:${PORT[$p]}" \
      >"$WORK/wrk-$p.out" &
    wrks+=($!)
    place=$((place + 1))
  done
  wait "${wrks[@]}"
  local p1 d1 ok=0 rps=0 p50=0 p99=0 wticks=0 line exact
  p1=$(cpu_ticks "${pids[@]}"); d1=0; [ "$db" = pg ] && d1=$(pg_ticks)
  place=0
  for p in "${portals[@]}"; do
    read -r c s <<<"$(batches "${PORT[$p]}")"; read -r c0 s0 <<<"${b0[$place]}"
    commits=$((commits + c - c0)); writes=$(awk -v a="$writes" -v b="$s" -v z="$s0" 'BEGIN {print a + b - z}'); place=$((place + 1))
  done
  local per_commit; per_commit=$(awk -v w="$writes" -v c="$commits" 'BEGIN {if (c == 0) print "n/a"; else printf "%.1f", w / c}')
  for p in "${portals[@]}"; do
    line=$(grep '^BENCH ' "$WORK/wrk-$p.out") || die "$setup: wrk printed no BENCH line: $(cat "$WORK/wrk-$p.out")"
    echo "$line" | grep -q ' failed=0 unanswered=0 ' || die "$setup: calls failed or went unanswered ($line)"
    echo "$line" | grep -qE 'connect_errors=0 read_errors=0 write_errors=0 timeouts=0' || die "$setup: socket errors ($line)"
    ok=$((ok + $(echo "$line" | grep -oE ' ok=[0-9]+' | cut -d= -f2)))
    rps=$(awk -v a="$rps" -v b="$(echo "$line" | grep -oE 'rps=[0-9.]+' | cut -d= -f2)" 'BEGIN {print a + b}')
    # With two portals the latencies are those of the slower one (wrk reports no merged histogram).
    p50=$(awk -v a="$p50" -v b="$(echo "$line" | grep -oE 'p50_ms=[0-9.]+' | cut -d= -f2)" 'BEGIN {print (b > a ? b : a)}')
    p99=$(awk -v a="$p99" -v b="$(echo "$line" | grep -oE 'p99_ms=[0-9.]+' | cut -d= -f2)" 'BEGIN {print (b > a ? b : a)}')
    read -r wu ws <"$WORK/wrk-$p.time"
    wticks=$(awk -v a="$wticks" -v u="$wu" -v s="$ws" 'BEGIN {print a + u + s}')
  done
  after=$(sql "$db" "$(printf "$POOLS_SQL" "$prefix")")
  exact=$(check "$db" "$prefix" "$ok" "$before" "$after")
  local pc dc wc
  pc=$(awk -v d=$((p1 - p0)) -v t="$TICKS" -v n="$ok" 'BEGIN {printf "%.0f", d / t / n * 1e6}')
  dc=$(awk -v d=$((d1 - d0)) -v t="$TICKS" -v n="$ok" 'BEGIN {printf "%.0f", d / t / n * 1e6}')
  wc=$(awk -v s="$wticks" -v n="$ok" 'BEGIN {printf "%.0f", s / n * 1e6}')
  echo "round $round $setup: $(printf '%.0f' "$rps") req/s, p50 $p50 ms, p99 $p99 ms, CPU µs/call portal $pc, database $dc, wrk $wc; $per_commit writes per commit; load $load; exact: $exact" >&2
  if [ "${BENCH_STATEMENTS:-0}" = 1 ] && [ "$db" = pg ] && [ -n "$record" ]; then
    # Per successful call: how often each statement ran and the server time it took (planning included).
    sql pg "SELECT round(calls::numeric / $ok, 3) || ' per call, ' || round(((total_exec_time + total_plan_time) * 1000 / $ok)::numeric, 1) || ' µs per call: ' || left(regexp_replace(query, '\s+', ' ', 'g'), 110)
      FROM pg_stat_statements WHERE query NOT LIKE '%pg_stat_statements%' ORDER BY total_exec_time + total_plan_time DESC LIMIT 10" | sed 's/^/    /' >&2
  fi
  if [ -n "$record" ]; then
    echo "| $round | $setup | $(printf '%.0f' "$rps") | $p50 | $p99 | $pc | $dc | $wc | $per_commit | $load | $exact |" >>"$TABLE"
    SUM_RPS[$setup]=$(awk -v a="${SUM_RPS[$setup]:-0}" -v b="$rps" 'BEGIN {print a + b}')
  fi
}

echo "warming up ($WARMUP s per setup) ..." >&2
for s in $SETUPS; do measure 0 "$s" "$WARMUP"; done
order=($SETUPS)
for round in $(seq 1 "$ROUNDS"); do
  if [ $((round % 2)) = 0 ]; then mapfile -t order < <(printf '%s\n' $SETUPS | tac); else order=($SETUPS); fi
  for s in "${order[@]}"; do measure "$round" "$s" "$WINDOW" record; done
done

{
  echo
  mean() { awk -v s="${SUM_RPS[$1]:-0}" -v n="$ROUNDS" 'BEGIN {printf "%.0f", s / n}'; }
  ratio() { awk -v x="${SUM_RPS[$1]:-}" -v y="${SUM_RPS[$2]:-}" 'BEGIN {if (x == "" || y == "" || y == 0) print "n/a"; else printf "%.0f%%", 100 * x / y}'; }
  for s in $SETUPS; do echo "- $s: mean $(mean "$s") req/s over $ROUNDS rounds"; done
  echo "- pg-1 is $(ratio pg-1 sqlite-1) of sqlite-1; pg-2-spread is $(ratio pg-2-spread pg-1-spread) of pg-1-spread and $(ratio pg-2-spread pg-1) of pg-1; pg-2-sticky is $(ratio pg-2-sticky pg-1-spread) of pg-1-spread; pg-2-hot is $(ratio pg-2-hot pg-1) of pg-1"
  echo "- load average after the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
} >>"$TABLE"
cat "$TABLE"
REMOVE_ON_EXIT=$WORK # removed on exit, after the database stops: removing it first left PostgreSQL running

#!/usr/bin/env bash
# Gateway load runs (issue #7), end to end: publish the portal (Release) and the dummy upstream, start them on
# 127.0.0.1, seed clients and keys with the portal's own command line, then run wrk against
#   (a) the dummy upstream directly, (b) the gateway proxying to it, (c) the gateway's built-in dummy model,
#   (d) a bare pass-through proxy to the same upstream (no checks, no charge: the ceiling of any proxy here),
#   (e) an upstream that takes 50 ms per answer, directly, and (f) through the gateway, (g) embeddings from the
#   gateway's built-in dummy model (POST /v1/embeddings),
# at each concurrency, and after every gateway run check that wrk's successful calls, the pool's counters, the
# request log and the coins agree exactly. Prints a markdown table (also written to $BENCH_OUT/results.md).
# Exits non-zero, loudly, when any check disagrees. Every process it starts is stopped on exit.
#
# Settings (environment): BENCH_SECONDS (load window per run, default 10), BENCH_WARMUP (seconds for each gateway
# target, default 10; the upstream and the bare proxy get 3, the 50 ms upstream none), BENCH_CONCURRENCY (default
# "8 32"; 1 is a sequential run: one connection, each call sent when the last one is answered), BENCH_PUBLISH (0 reuses an earlier publish), BENCH_OUT (default /tmp/lumen-bench), BENCH_PORTAL_ENV
# (extra VAR=value words for the portal, e.g. DOTNET_gcServer=1), BENCH_DB (sqlite, the default, or postgresql: a
# throwaway PostgreSQL cluster on a free loopback port, fsync on, started and stopped here; BENCH_PG_OPTIONS adds
# connection-string options, e.g. "Max Auto Prepare=20"), BENCH_RUNS (which of a b c d e f g, default all), BENCH_MODEL_MS (the slow upstream's time per answer, default 50),
# BENCH_METRICS_AB (rounds of the metrics A/B, default 0: a second portal with Metrics__Enabled=false, and runs b and c
# at c=32 against each in turn, order alternating by round, to show what the instrumentation costs per call).
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
WINDOW=${BENCH_SECONDS:-10}
WARMUP=${BENCH_WARMUP:-10}
MODEL_MS=${BENCH_MODEL_MS:-50}
MARGIN=3 # wrk runs WINDOW+MARGIN seconds; connections stop sending after WINDOW (see chat.lua)
CONCURRENCY=${BENCH_CONCURRENCY:-"8 32"}
AB_ROUNDS=${BENCH_METRICS_AB:-0}
RUNS=${BENCH_RUNS:-"a b c d e f g"}
OUT=${BENCH_OUT:-/tmp/lumen-bench}
PORTAL_BIN=$OUT/portal
UPSTREAM_BIN=$OUT/upstream
LUA=$REPO/bench/chat.lua
# Prices in coins per million tokens (so a call costs input*0.5 + output*1.5 micro-coins), and a refill of
# 3600 coins/hour = exactly 1000 micro-coins per millisecond, so the expected refill is exact too.
IN_PRICE=0.5
OUT_PRICE=1.5
REFILL_MICROS_PER_MS=1000
TICKS=$(getconf CLK_TCK)

# shellcheck source=bench/lib.sh
source "$REPO/bench/lib.sh"
for tool in wrk sqlite3 curl dotnet python3; do command -v $tool >/dev/null || die "$tool is not installed (apt-get install -y wrk sqlite3 curl)"; done

echo "# $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores, database ${BENCH_DB:-sqlite}; load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
publish_release "$OUT" Lumen.Portal/Lumen.Portal.csproj:portal bench/DummyUpstream/DummyUpstream.csproj:upstream

WORK=$(mktemp -d /tmp/lumen-bench-run.XXXXXX)
UPORT=$(free_port)
SPORT=$(free_port)
XPORT=$(free_port)
PPORT=$(free_port)
QPORT=$(free_port) # the portal with metrics off (BENCH_METRICS_AB)
cat >"$WORK/config.yaml" <<EOF
admins: [bench@example.org]
models:
  - name: dummy
    input_cost_per_million: $IN_PRICE
    output_cost_per_million: $OUT_PRICE
  - name: proxied
    input_cost_per_million: $IN_PRICE
    output_cost_per_million: $OUT_PRICE
    endpoints:
      - url: http://127.0.0.1:$UPORT/v1
        model: bench-upstream
        api_key: sk-bench
  - name: proxied-slow
    input_cost_per_million: $IN_PRICE
    output_cost_per_million: $OUT_PRICE
    endpoints:
      - url: http://127.0.0.1:$SPORT/v1
        model: bench-upstream
        api_key: sk-bench
$BENCH_CLIENTS_YAML
EOF

use_bench_database "$WORK"

export ASPNETCORE_ENVIRONMENT=Production
export Lumen__ApiKeySecret=bench-secret-0123456789-abcdefghijklmnopqrstuvwxyz
export LUMEN_CONFIG=$WORK/config.yaml
# Production refuses to start without an identity provider. /v1 never signs anyone in, so this one is never contacted.
export Oidc__Authority=https://oidc.invalid/ Oidc__ClientId=bench Oidc__ClientSecret=bench

cli() { (cd "$WORK" && "$PORTAL_BIN/Lumen.Portal" "$@"); }

CLIENTS=(bench-warm-b bench-warm-c bench-warm-g)
for c in $CONCURRENCY; do CLIENTS+=("bench-b-c$c" "bench-c-c$c" "bench-f-c$c" "bench-g-c$c"); done
if [ "$AB_ROUNDS" -gt 0 ]; then
  CLIENTS+=(bench-warm-b-off bench-warm-c-off)
  for i in $(seq 1 "$AB_ROUNDS"); do CLIENTS+=("bench-b-on-$i" "bench-c-on-$i" "bench-b-off-$i" "bench-c-off-$i"); done
fi
cli clients create "${CLIENTS[@]}" >/dev/null
declare -A KEY
for c in "${CLIENTS[@]}"; do KEY[$c]=$(cli keys create "$c" --name load | tail -n1); done

"$UPSTREAM_BIN/DummyUpstream" --urls "http://127.0.0.1:$UPORT" >"$WORK/upstream.log" 2>&1 &
UPSTREAM_PID=$!
PIDS+=("$UPSTREAM_PID")
"$UPSTREAM_BIN/DummyUpstream" --urls "http://127.0.0.1:$SPORT" --delay-ms "$MODEL_MS" >"$WORK/slow.log" 2>&1 &
SLOW_PID=$!
PIDS+=("$SLOW_PID")
"$UPSTREAM_BIN/DummyUpstream" --urls "http://127.0.0.1:$XPORT" --forward-to "http://127.0.0.1:$UPORT" >"$WORK/proxy.log" 2>&1 &
PROXY_PID=$!
PIDS+=("$PROXY_PID")
# The published portal is started from its own working directory (data/ and the config live there, as in a
# deployment); --contentRoot points at the publish folder so appsettings.json (log levels) and wwwroot are found.
# shellcheck disable=SC2086 # BENCH_PORTAL_ENV is a list of VAR=value words
(cd "$WORK" && exec env ${BENCH_PORTAL_ENV:-} "$PORTAL_BIN/Lumen.Portal" --urls "http://127.0.0.1:$PPORT" --contentRoot "$PORTAL_BIN") >"$WORK/portal.log" 2>&1 &
PORTAL_PID=$!
PIDS+=("$PORTAL_PID")
TARGET_PID=$PORTAL_PID # the portal whose CPU and memory a run reads
if [ "$AB_ROUNDS" -gt 0 ]; then
  # shellcheck disable=SC2086
  (cd "$WORK" && exec env ${BENCH_PORTAL_ENV:-} Metrics__Enabled=false "$PORTAL_BIN/Lumen.Portal" --urls "http://127.0.0.1:$QPORT" --contentRoot "$PORTAL_BIN") >"$WORK/portal-off.log" 2>&1 &
  OFF_PID=$!
  PIDS+=("$OFF_PID")
fi

wait_for() { # url expected-status
  for _ in $(seq 1 120); do
    [ "$(curl -s --max-time 2 -o /dev/null -w '%{http_code}' "$1" || true)" = "$2" ] && return 0
    sleep 0.5
  done
  die "$1 did not answer $2 within 60 s (logs in $WORK)"
}
wait_for "http://127.0.0.1:$UPORT/v1/models" 401
wait_for "http://127.0.0.1:$SPORT/v1/models" 401
wait_for "http://127.0.0.1:$XPORT/v1/models" 401
wait_for "http://127.0.0.1:$PPORT/v1/models" 401
[ "$AB_ROUNDS" = 0 ] || wait_for "http://127.0.0.1:$QPORT/v1/models" 401

helpers_ticks() { echo $(($(cpu_ticks "$UPSTREAM_PID") + $(cpu_ticks "$SLOW_PID") + $(cpu_ticks "$PROXY_PID"))); }
status_kb() { awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/status"; }

TABLE=$OUT/results.md
{
  echo "| run | target | conc. | req/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | portal CPU (cores) | portal CPU µs/call | upstreams CPU | wrk CPU | portal peak RSS MB | load | exact |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
} >"$TABLE"
declare -A RPS PERCALL

# run LABEL URL MODEL CLIENT CONCURRENCY SECONDS [record]
run() {
  local label=$1 url=$2 model=$3 client=$4 conc=$5 secs=$6 record=${7:-}
  local key=${KEY[$client]:-sk-bench} before after p0 u0 p1 u1 w line exact="n/a (no portal)"
  [[ "$url" == "http://127.0.0.1:$PPORT" || "$url" == "http://127.0.0.1:$QPORT" ]] && before=$(pool "$client")
  local load
  load=$(cut -d' ' -f1 /proc/loadavg)
  p0=$(cpu_ticks "$TARGET_PID"); u0=$(helpers_ticks)
  BENCH_OPERATION=${BENCH_OPERATION:-chat} BENCH_KEY=$key BENCH_MODEL=$model BENCH_SECONDS=$secs /usr/bin/time -f '%U %S' -o "$WORK/wrk.time" \
    wrk -t"$((conc < 2 ? conc : 2))" -c"$conc" -d"$((secs + MARGIN))s" --latency --timeout 10s -s "$LUA" "$url" >"$WORK/wrk.out"
  p1=$(cpu_ticks "$TARGET_PID"); u1=$(helpers_ticks)
  line=$(grep '^BENCH ' "$WORK/wrk.out") || die "$label: wrk printed no BENCH line: $(cat "$WORK/wrk.out")"
  local sent ok failed unanswered elapsed rps p50 p90 p99 p999 max errs
  eval "$(echo "${line#BENCH }" | tr ' ' '\n' | grep -E '^(sent|ok|failed|unanswered|elapsed|rps|p50_ms|p90_ms|p99_ms|p999_ms|max_ms)=' | sed 's/_ms=/=/')"
  errs=$(echo "$line" | grep -oE '(connect|read|write)_errors=[0-9]+|timeouts=[0-9]+' | awk -F= '{s += $2} END {print s + 0}')
  [ "$failed" = 0 ] || die "$label: $failed calls were not 2xx ($line)"
  [ "$unanswered" = 0 ] || die "$label: $unanswered calls were unanswered when wrk stopped; raise MARGIN ($line)"
  [ "$errs" = 0 ] || die "$label: socket errors or timeouts ($line)"

  if [ -n "${before:-}" ]; then
    after=$(pool "$client")
    local rows cost in out expected
    # Every call of a run is the same request, so every log row must show the same tokens and coins.
    rows=$(sql "SELECT DISTINCT r.\"InputTokens\" || '|' || r.\"OutputTokens\" || '|' || r.\"CoinsMicros\"
      FROM request_log r JOIN clients c ON c.\"Id\" = r.\"ClientId\" WHERE c.\"Name\" = '$client' AND r.\"Status\" = 200;")
    [ "$(echo "$rows" | wc -l)" = 1 ] || die "$label: calls logged with different tokens or coins: $rows"
    IFS='|' read -r in out cost <<<"$rows"
    # Cost in micro-coins, rounded half away from zero to whole micro-coins (6 decimals, §4).
    expected=$(awk -v i="$in" -v o="$out" -v a="$IN_PRICE" -v b="$OUT_PRICE" 'BEGIN {printf "%d", int(i * a + o * b + 0.5)}')
    [ "$cost" = "$expected" ] || die "$label: a call was charged $cost micro-coins, $in x $IN_PRICE + $out x $OUT_PRICE = $expected"
    if [ "$model" = proxied ]; then [ "$in|$out" = "12|8" ] || die "$label: logged $in/$out tokens, the upstream reported 12/8"; fi
    pool_change_check "$before" "$after" "$ok" "$cost" "$in" "$out"
    [ -z "$POOL_FAILS" ] || die "$label ($client): counters disagree with wrk's $ok successful calls:$POOL_FAILS"
    exact="yes: $ok calls = pool = log; $POOL_SPENT µc = $ok × $cost; balance −$POOL_SPENT +$POOL_REFILL refill"
  fi
  read -r wu ws <"$WORK/wrk.time"
  local pcpu ucpu wcpu hwm percall
  pcpu=$(awk -v d=$((p1 - p0)) -v t="$TICKS" -v e="$elapsed" 'BEGIN {printf "%.2f", d / t / e}')
  ucpu=$(awk -v d=$((u1 - u0)) -v t="$TICKS" -v e="$elapsed" 'BEGIN {printf "%.2f", d / t / e}')
  wcpu=$(awk -v u="$wu" -v s="$ws" -v e="$elapsed" 'BEGIN {printf "%.2f", (u + s) / e}')
  percall=$(awk -v d=$((p1 - p0)) -v t="$TICKS" -v n="$ok" 'BEGIN {printf "%.0f", d / t / n * 1e6}')
  hwm=$(awk -v k="$(status_kb "$TARGET_PID" VmHWM)" 'BEGIN {printf "%.0f", k / 1024}')
  echo "$label c=$conc: $rps req/s, p50 $p50 ms, p99 $p99 ms, p99.9 $p999 ms, max $max ms, portal CPU $pcpu ($percall µs/call), peak RSS $hwm MB; exact: $exact" >&2
  if [ -n "$record" ]; then
    RPS[$record]=$rps
    PERCALL[$record]=$percall
    echo "| $record | $label | $conc | $(printf '%.0f' "$rps") | $p50 | $p90 | $p99 | $p999 | $max | $pcpu | $percall | $ucpu | $wcpu | $hwm | $load | $exact |" >>"$TABLE"
  fi
}

UP="http://127.0.0.1:$UPORT"
GW="http://127.0.0.1:$PPORT"
SLOW="http://127.0.0.1:$SPORT"
XP="http://127.0.0.1:$XPORT"
echo "warming up ($WARMUP s per target) ..." >&2
run "upstream direct (warm-up)" "$UP" bench-upstream none 32 3
run "bare proxy (warm-up)" "$XP" bench-upstream none 32 3
run "gateway -> upstream (warm-up)" "$GW" proxied bench-warm-b 32 "$WARMUP"
run "gateway dummy (warm-up)" "$GW" dummy bench-warm-c 32 "$WARMUP"
case " $RUNS " in *" g "*) BENCH_OPERATION=embeddings run "gateway dummy embeddings (warm-up)" "$GW" dummy bench-warm-g 32 3 ;; esac

for c in $CONCURRENCY; do
  for r in $RUNS; do
    case $r in
      a) run "upstream direct" "$UP" bench-upstream none "$c" "$WINDOW" "a-c$c" ;;
      b) run "gateway -> upstream" "$GW" proxied "bench-b-c$c" "$c" "$WINDOW" "b-c$c" ;;
      c) run "gateway dummy model" "$GW" dummy "bench-c-c$c" "$c" "$WINDOW" "c-c$c" ;;
      d) run "bare proxy -> upstream" "$XP" bench-upstream none "$c" "$WINDOW" "d-c$c" ;;
      e) run "${MODEL_MS} ms upstream direct" "$SLOW" bench-upstream none "$c" "$WINDOW" "e-c$c" ;;
      f) run "gateway -> ${MODEL_MS} ms upstream" "$GW" proxied-slow "bench-f-c$c" "$c" "$WINDOW" "f-c$c" ;;
      g) BENCH_OPERATION=embeddings run "gateway dummy embeddings" "$GW" dummy "bench-g-c$c" "$c" "$WINDOW" "g-c$c" ;;
    esac
  done
done

# The metrics A/B: the same runs against the portal with metrics on and the one with them off, in turn.
if [ "$AB_ROUNDS" -gt 0 ]; then
  GW_OFF="http://127.0.0.1:$QPORT"
  TARGET_PID=$OFF_PID
  run "gateway -> upstream, metrics off (warm-up)" "$GW_OFF" proxied bench-warm-b-off 32 "$WARMUP"
  run "gateway dummy, metrics off (warm-up)" "$GW_OFF" dummy bench-warm-c-off 32 "$WARMUP"
  ab_run() { # target state round
    local url=$GW pid=$PORTAL_PID model=proxied name="gateway -> upstream"
    [ "$2" = off ] && { url=$GW_OFF; pid=$OFF_PID; }
    [ "$1" = c ] && { model=dummy; name="gateway dummy model"; }
    TARGET_PID=$pid
    run "$name, metrics $2" "$url" "$model" "bench-$1-$2-$3" 32 "$WINDOW" "$1-$2-r$3"
  }
  for i in $(seq 1 "$AB_ROUNDS"); do
    for t in b c; do
      if [ $((i % 2)) = 1 ]; then ab_run "$t" on "$i"; ab_run "$t" off "$i"; else ab_run "$t" off "$i"; ab_run "$t" on "$i"; fi
    done
  done
  TARGET_PID=$PORTAL_PID
fi

{
  echo
  if [ "$AB_ROUNDS" -gt 0 ]; then
    for t in b c; do
      for state in on off; do
        rps_sum=0 cpu_sum=0
        for i in $(seq 1 "$AB_ROUNDS"); do
          rps_sum=$(awk -v s="$rps_sum" -v x="${RPS[$t-$state-r$i]}" 'BEGIN {print s + x}')
          cpu_sum=$(awk -v s="$cpu_sum" -v x="${PERCALL[$t-$state-r$i]}" 'BEGIN {print s + x}')
        done
        echo "- metrics A/B, run $t, metrics $state: mean of $AB_ROUNDS rounds $(awk -v s="$rps_sum" -v n="$AB_ROUNDS" 'BEGIN {printf "%.0f", s / n}') req/s, $(awk -v s="$cpu_sum" -v n="$AB_ROUNDS" 'BEGIN {printf "%.0f", s / n}') portal CPU µs/call"
      done
    done
  fi
  for c in $CONCURRENCY; do
    ratio() { awk -v x="${RPS[$1]:-}" -v y="${RPS[$2]:-}" 'BEGIN {if (x == "" || y == "") print "n/a"; else printf "%.0f%%", 100 * x / y}'; }
    echo "- c=$c: gateway -> upstream $(ratio "b-c$c" "a-c$c") of the upstream directly (a bare proxy: $(ratio "d-c$c" "a-c$c")); gateway -> ${MODEL_MS} ms upstream $(ratio "f-c$c" "e-c$c") of it directly; dummy embeddings $(ratio "g-c$c" "c-c$c") of dummy chat"
  done
  echo "- portal peak RSS over the whole session (VmHWM): $(awk -v k="$(status_kb "$PORTAL_PID" VmHWM)" 'BEGIN {printf "%.0f", k / 1024}') MB"
  echo "- load average after the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
} >>"$TABLE"

echo >&2
echo "clients list (CLI):" >&2
cli clients list >&2
echo >&2
cat "$TABLE"
REMOVE_ON_EXIT=$WORK # removed on exit, after the database stops: removing it first left PostgreSQL running

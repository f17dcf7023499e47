#!/usr/bin/env bash
# The fair queue (issue #33), end to end on published builds:
#   (1) fairness: a model whose one endpoint has max_concurrent 8 and answers in BENCH_MODEL_MS (500) ms; clients B..E
#       send BENCH_FAIR_CALLS calls one at a time each, first alone, then while client A keeps BENCH_FLOOD (200) calls
#       outstanding (bench/fair_queue.py). Goal: B..E's p50 under the flood at most 2x their p50 alone.
#   (2) what the queue costs a model without max_concurrent: portal CPU per call through the base build
#       (BENCH_BASE_REF, default d5dc35e, the commit before the queue) and this one, in ABBA order for BENCH_ROUNDS
#       rounds, wrk at BENCH_CONCURRENCY (8) for BENCH_SECONDS (10) each against a dummy upstream that answers at once.
#       Goal: the two medians at most 10% apart.
# Each portal runs alone on SQLite in a working directory of its own. Prints the figures and writes them to
# $BENCH_OUT/fair-queue.md. Every process it starts is stopped on exit.
#
# Settings (environment): BENCH_PARTS ("fair abba", default both), BENCH_MODEL_MS, BENCH_FAIR_CALLS (default 20),
# BENCH_FLOOD, BENCH_BASE_REF, BENCH_ROUNDS (default 3), BENCH_SECONDS, BENCH_CONCURRENCY, BENCH_PUBLISH (0 reuses
# an earlier publish), BENCH_OUT (default /tmp/lumen-bench-fair).
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
PARTS=${BENCH_PARTS:-"fair abba"}
MODEL_MS=${BENCH_MODEL_MS:-500}
FAIR_CALLS=${BENCH_FAIR_CALLS:-20}
FLOOD=${BENCH_FLOOD:-200}
BASE_REF=${BENCH_BASE_REF:-d5dc35e}
ROUNDS=${BENCH_ROUNDS:-3}
WINDOW=${BENCH_SECONDS:-10}
CONC=${BENCH_CONCURRENCY:-8}
MARGIN=3
OUT=${BENCH_OUT:-/tmp/lumen-bench-fair}
TICKS=$(getconf CLK_TCK)

# shellcheck source=bench/lib.sh
source "$REPO/bench/lib.sh"
for tool in wrk curl dotnet python3 git; do command -v $tool >/dev/null || die "$tool is not installed (apt-get install -y wrk curl)"; done

echo "# $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores; load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
publish_release "$OUT" Lumen.Portal/Lumen.Portal.csproj:portal bench/DummyUpstream/DummyUpstream.csproj:upstream
if [[ " $PARTS " == *" abba "* ]] && [ "${BENCH_PUBLISH:-1}" != 0 ]; then
  # The base build from the commit itself (git archive: no worktree left behind in the repository).
  rm -rf "$OUT/base-src" && mkdir -p "$OUT/base-src"
  git -C "$REPO" archive "$BASE_REF" | tar -x -C "$OUT/base-src"
  echo "publishing the base ($BASE_REF, Release) ..." >&2
  dotnet publish "$OUT/base-src/Lumen.Portal/Lumen.Portal.csproj" -c Release -o "$OUT/base" --nologo -v q >&2
fi

WORK=$(mktemp -d /tmp/lumen-bench-fair.XXXXXX)
export ASPNETCORE_ENVIRONMENT=Production
export Lumen__ApiKeySecret=bench-secret-0123456789-abcdefghijklmnopqrstuvwxyz
# Production refuses to start without an identity provider. /v1 never signs anyone in, so this one is never contacted.
export Oidc__Authority=https://oidc.invalid/ Oidc__ClientId=bench Oidc__ClientSecret=bench

wait_for() { # url expected-status
  for _ in $(seq 1 120); do
    [ "$(curl -s --max-time 2 -o /dev/null -w '%{http_code}' "$1" || true)" = "$2" ] && return 0
    sleep 0.5
  done
  die "$1 did not answer $2 within 60 s (logs in $WORK)"
}

# start_portal NAME BIN MODEL-YAML [VAR=value ...]: a portal in WORK/NAME with its own config and SQLite database, on
# a free port; sets PORT_OF[NAME] and PID_OF[NAME].
declare -A PORT_OF PID_OF
start_portal() {
  local name=$1 bin=$2 models=$3 dir=$WORK/$1 port
  shift 3
  mkdir -p "$dir"
  printf 'admins: [bench@example.org]\nmodels:\n%s\n%s\n' "$models" "$BENCH_CLIENTS_YAML" >"$dir/config.yaml"
  port=$(free_port)
  (cd "$dir" && exec env LUMEN_CONFIG="$dir/config.yaml" "$@" "$bin/Lumen.Portal" --urls "http://127.0.0.1:$port" --contentRoot "$bin") >"$dir/portal.log" 2>&1 &
  PID_OF[$name]=$!
  PIDS+=("$!")
  PORT_OF[$name]=$port
  wait_for "http://127.0.0.1:$port/v1/models" 401
}
# key NAME BIN CLIENT: a new client of that portal and its key, through the portal's own command line.
key() {
  (cd "$WORK/$1" && LUMEN_CONFIG="$WORK/$1/config.yaml" "$2/Lumen.Portal" clients create "$3" >/dev/null &&
    LUMEN_CONFIG="$WORK/$1/config.yaml" "$2/Lumen.Portal" keys create "$3" --name bench | tail -n1)
}
upstream() { # PORT [ARGS...]: a dummy upstream on PORT
  local port=$1
  shift
  "$OUT/upstream/DummyUpstream" --urls "http://127.0.0.1:$port" "$@" >"$WORK/upstream-$port.log" 2>&1 &
  PIDS+=("$!")
  wait_for "http://127.0.0.1:$port/v1/models" 401
}
model_yaml() { # NAME PORT [MAX]: one model with one endpoint on PORT, capped at MAX when given
  printf '  - name: %s\n    input_cost_per_million: 0.5\n    output_cost_per_million: 1.5\n    endpoints:\n      - url: http://127.0.0.1:%s/v1\n        model: bench-upstream\n        api_key: sk-bench\n' "$1" "$2"
  [ -z "${3:-}" ] || printf '        max_concurrent: %s\n' "$3"
}

REPORT=$OUT/fair-queue.md
echo "# fair-queue.sh, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores" >"$REPORT"

if [[ " $PARTS " == *" fair "* ]]; then
  SLOW_PORT=$(free_port)
  upstream "$SLOW_PORT" --delay-ms "$MODEL_MS"
  # A's whole flood waits (none refused at MaxWaitingPerClient's 100): the worst case for the light clients.
  start_portal fair "$OUT/portal" "$(model_yaml gpu "$SLOW_PORT" 8)" Gateway__MaxWaitingPerClient=$((FLOOD + 10)) Gateway__QueueSeconds=120
  KEYS=()
  for c in flood-a light-b light-c light-d light-e; do KEYS+=("$(key fair "$OUT/portal" "$c")"); done
  echo "fairness: endpoint capacity 8, $MODEL_MS ms answers; A keeps $FLOOD calls outstanding; B..E $FAIR_CALLS calls each ..." >&2
  python3 "$REPO/bench/fair_queue.py" "http://127.0.0.1:${PORT_OF[fair]}" gpu "$FAIR_CALLS" "$FLOOD" "${KEYS[@]}" | tee "$WORK/fair.out" >&2
  line=$(grep '^FAIR ' "$WORK/fair.out") || die "fair_queue.py printed no FAIR line"
  eval "$(echo "${line#FAIR }" | tr ' ' '\n')"
  # shellcheck disable=SC2154 # set by the eval
  [ "$light_failed" = 0 ] || die "$light_failed of the light clients' calls were not answered 200"
  verdict=$(awk -v r="$ratio" 'BEGIN {print (r <= 2 ? "met" : "NOT met")}')
  {
    echo "## Fairness"
    grep '^client ' "$WORK/fair.out" | sed 's/^/- /'
    # shellcheck disable=SC2154
    echo "- B..E together: p50 alone $alone_p50_ms ms, under the flood $flood_p50_ms ms: ${ratio}x (goal at most 2x: $verdict); A's calls answered meanwhile: $a_calls ($a_refused refused)"
  } >>"$REPORT"
  kill "${PID_OF[fair]}"
fi

if [[ " $PARTS " == *" abba "* ]]; then
  FAST_PORT=$(free_port)
  upstream "$FAST_PORT"
  start_portal base "$OUT/base" "$(model_yaml proxied "$FAST_PORT")"
  start_portal queue "$OUT/portal" "$(model_yaml proxied "$FAST_PORT")"
  declare -A AKEY=([base]=$(key base "$OUT/base" abba) [queue]=$(key queue "$OUT/portal" abba))
  # cpu_run NAME SECONDS: wrk against that portal's uncapped model; prints its CPU µs per answered call.
  cpu_run() {
    local name=$1 secs=$2 p0 p1 line ok failed
    p0=$(cpu_ticks "${PID_OF[$name]}")
    BENCH_KEY=${AKEY[$name]} BENCH_MODEL=proxied BENCH_SECONDS=$secs \
      wrk -t2 -c"$CONC" -d"$((secs + MARGIN))s" --timeout 10s -s "$REPO/bench/chat.lua" "http://127.0.0.1:${PORT_OF[$name]}" >"$WORK/wrk.out"
    p1=$(cpu_ticks "${PID_OF[$name]}")
    line=$(grep '^BENCH ' "$WORK/wrk.out") || die "$name: wrk printed no BENCH line: $(cat "$WORK/wrk.out")"
    ok=$(echo "$line" | grep -oE '(^| )ok=[0-9]+' | cut -d= -f2)
    failed=$(echo "$line" | grep -oE 'failed=[0-9]+' | cut -d= -f2)
    [ "$failed" = 0 ] || die "$name: $failed calls were not 2xx ($line)"
    awk -v d=$((p1 - p0)) -v t="$TICKS" -v n="$ok" 'BEGIN {printf "%.0f", d / t / n * 1e6}'
  }
  echo "warming up both portals ..." >&2
  cpu_run base "$WINDOW" >/dev/null
  cpu_run queue "$WINDOW" >/dev/null
  BASE=() QUEUE=()
  for round in $(seq 1 "$ROUNDS"); do
    # ABBA: each build runs first and last in turn, so drift over the round (heat, other load) falls on both alike.
    for name in base queue queue base; do
      us=$(cpu_run "$name" "$WINDOW")
      echo "round $round: $name $us µs/call" >&2
      if [ "$name" = base ]; then BASE+=("$us"); else QUEUE+=("$us"); fi
    done
  done
  median() { printf '%s\n' "$@" | sort -n | awk '{a[NR] = $1} END {print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2)}'; }
  mb=$(median "${BASE[@]}")
  mq=$(median "${QUEUE[@]}")
  diff=$(awk -v b="$mb" -v q="$mq" 'BEGIN {printf "%+.1f", (q - b) / b * 100}')
  verdict=$(awk -v d="$diff" 'BEGIN {print (d <= 10 && d >= -10 ? "met" : "NOT met")}')
  {
    echo "## CPU per call of a model without max_concurrent (c=$CONC, ${WINDOW} s runs, $ROUNDS ABBA rounds)"
    echo "- base ($BASE_REF): ${BASE[*]} µs/call, median $mb"
    echo "- this build: ${QUEUE[*]} µs/call, median $mq"
    echo "- difference: $diff% (goal at most 10% apart: $verdict)"
  } >>"$REPORT"
fi

cat "$REPORT"
REMOVE_ON_EXIT=$WORK

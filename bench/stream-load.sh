#!/usr/bin/env bash
# Streaming load (issue #31 item 4), end to end: publish the portal (Release), bench/DummyUpstream and bench/StreamLoad,
# start an upstream that streams every chat completion (BENCH_CHUNKS content chunks, one every BENCH_GAP_MS, then usage
# and [DONE]) and the portal with a model `streamed` proxied to it, seed one client and key per run with the portal's
# own command line, then for each number of streams and each mode open that many streamed completions straight at the
# upstream and through the gateway, one after the other. Reports per run the time to the first chunk, the gaps between
# chunks (and how much the gateway adds to their p99), the portal's CPU per relayed chunk and its resident memory per
# open stream, and after every gateway run checks that the streams, the pool's counters, the request log, the tokens
# and the coins agree exactly. Prints a markdown table (also written to $BENCH_OUT/results.md). Exits non-zero, loudly,
# when a stream fails or any check disagrees. Every process it starts is stopped on exit.
#
# Settings (environment): BENCH_STREAMS (streams per run, default "1000 5000"), BENCH_MODES ("burst rate": all at once,
# and BENCH_RATE a second, default 500), BENCH_CHUNKS (content chunks per stream, 50), BENCH_GAP_MS (between them, 100),
# BENCH_WARMUP (streams opened straight and through the gateway before the runs, 3000; 0 skips) at BENCH_WARMUP_RATE
# (100 a second, so that few are open at once and the portal's heap is not grown for the runs' streams), BENCH_IDLE
# (seconds the portal's CPU is read with nothing running, from 2 s after the warm-up, to subtract from each run's; 5), BENCH_PUBLISH
# (0 reuses an earlier publish), BENCH_OUT (default /tmp/lumen-bench-stream), BENCH_PORTAL_ENV (extra VAR=value words
# for the portal, e.g. DOTNET_gcServer=0), BENCH_DB (sqlite, the default, or postgresql: a throwaway cluster, see lib.sh).
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
STREAMS=${BENCH_STREAMS:-"1000 5000"}
MODES=${BENCH_MODES:-"burst rate"}
RATE=${BENCH_RATE:-500}
CHUNKS=${BENCH_CHUNKS:-50}
GAP_MS=${BENCH_GAP_MS:-100}
# Long enough for tiered JIT to finish: after 500 streams the JIT still had a quarter of the portal's CPU samples
# (perf); after about 3,500 it had 3%.
WARMUP=${BENCH_WARMUP:-3000}
WARMUP_RATE=${BENCH_WARMUP_RATE:-100}
IDLE_SECONDS=${BENCH_IDLE:-5}
OUT=${BENCH_OUT:-/tmp/lumen-bench-stream}
# The upstream's usage per stream: 12 prompt tokens, one completion token per content chunk.
PROMPT_TOKENS=12
# Prices in coins per million tokens, as in gateway-load.sh (a stream costs 12 × 0.5 + chunks × 1.5 micro-coins), and
# a refill of exactly 1000 micro-coins per millisecond, so the balance is exact too.
IN_PRICE=0.5
OUT_PRICE=1.5
REFILL_MICROS_PER_MS=1000
TICKS=$(getconf CLK_TCK)

# shellcheck source=bench/lib.sh
source "$REPO/bench/lib.sh"
for tool in sqlite3 curl dotnet python3; do command -v $tool >/dev/null || die "$tool is not installed (apt-get install -y sqlite3 curl)"; done
[ "${BENCH_DB:-sqlite}" != postgresql ] || command -v psql >/dev/null || die "psql is not installed"

# Each open stream holds a socket in the load app and the upstream (direct runs), or two in the portal (caller and
# upstream) while the others hold one each. Raise the soft limit to the hard one for every process started here.
largest=$(echo "$STREAMS $WARMUP" | tr ' ' '\n' | sort -n | tail -n1)
ulimit -n "$(ulimit -Hn)"
[ "$(ulimit -n)" -ge $((2 * largest + 1000)) ] ||
  die "ulimit -n is $(ulimit -n) (hard limit $(ulimit -Hn)); $largest streams need at least $((2 * largest + 1000)) open files in the portal"

echo "# $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores, database ${BENCH_DB:-sqlite}; load: $(cut -d' ' -f1-3 /proc/loadavg); ulimit -n $(ulimit -n)" >&2
publish_release "$OUT" Lumen.Portal/Lumen.Portal.csproj:portal bench/DummyUpstream/DummyUpstream.csproj:upstream \
  bench/StreamLoad/StreamLoad.csproj:streamload

WORK=$(mktemp -d /tmp/lumen-bench-stream-run.XXXXXX)
UPORT=$(free_port)
PPORT=$(free_port)
cat >"$WORK/config.yaml" <<EOF
admins: [bench@example.org]
models:
  - name: streamed
    input_cost_per_million: $IN_PRICE
    output_cost_per_million: $OUT_PRICE
    endpoints: [{url: "http://127.0.0.1:$UPORT/v1", model: bench-upstream, api_key: sk-bench}]
$BENCH_CLIENTS_YAML
EOF
use_bench_database "$WORK"
published_portal_env

# One client per run, numbered, so a size may be given twice (BENCH_STREAMS="200 200": two rounds).
CLIENTS=(bench-stream-warm)
round=0
for n in $STREAMS; do for mode in $MODES; do round=$((round + 1)); CLIENTS+=("bench-stream-$round-$n-$mode"); done; done
cli clients create "${CLIENTS[@]}" >/dev/null
declare -A KEY
for c in "${CLIENTS[@]}"; do KEY[$c]=$(cli keys create "$c" --name load | tail -n1); done

"$OUT/upstream/DummyUpstream" --urls "http://127.0.0.1:$UPORT" --stream-chunks "$CHUNKS" --stream-gap-ms "$GAP_MS" >"$WORK/upstream.log" 2>&1 &
UPSTREAM_PID=$!
PIDS+=("$UPSTREAM_PID")
start_published_portal "$PPORT"
for port in "$UPORT" "$PPORT"; do
  for _ in $(seq 1 120); do
    [ "$(curl -s --max-time 2 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/v1/models" || true)" = 401 ] && continue 2
    sleep 0.5
  done
  die "127.0.0.1:$port did not answer within 60 s (logs in $WORK)"
done

# Connections the kernel turned away because a listen queue was full (all of this machine's sockets; each costs its
# caller a SYN retransmit, 1 s and then more): Kestrel listens with a queue of 512 unless told otherwise.
listen_overflows() { awk '/^TcpExt:/ { if (!named) { split($0, names); named = 1; next } for (i = 2; i <= NF; i++) if (names[i] == "ListenOverflows") print $i }' /proc/net/netstat; }

# The kernel's part of a process's CPU so far (stime, clock ticks): sockets, epoll, page faults.
sys_ticks() { awk '{print $15}' "/proc/$1/stat"; }

# VmRSS in kB without forking (sampled every 0.1 s while thousands of streams run).
rss_kb() { local k v _; while read -r k v _; do [ "$k" = VmRSS: ] && { echo "$v"; return; }; done <"/proc/$1/status"; }
# The highest VmRSS (kB) of process $1 while process $2 runs.
peak_rss_while() {
  local peak=0 now k v _
  while kill -0 "$2" 2>/dev/null; do
    now=0
    while read -r k v _; do [ "$k" = VmRSS: ] && { now=$v; break; }; done <"/proc/$1/status"
    [ "$now" -gt "$peak" ] && peak=$now
    sleep 0.1
  done
  echo "$peak"
}

TABLE=$OUT/results.md
{
  echo "| run | target | streams | mode | ok | errors | first chunk p50 ms | first chunk p99 ms | gap p50 ms | gap p99 ms | gap max ms | gap p99 − direct ms | portal CPU µs/chunk (net of idle) | portal CPU µs/stream | of it in the kernel | portal RSS before → peak MB | portal RSS KB/open stream | peak open | upstream CPU µs/chunk | listen overflows | elapsed s | load | exact |"
  echo "|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
} >"$TABLE"
declare -A DIRECT_GAP_P99
MOST_OPEN=0 # the most streams the portal has held open at once so far
COST=$(awk -v a="$IN_PRICE" -v b="$OUT_PRICE" -v i="$PROMPT_TOKENS" -v o="$CHUNKS" 'BEGIN {printf "%d", int(i * a + o * b + 0.5)}')

# run LABEL TARGET(direct|gateway) STREAMS MODE CLIENT [record]
run() {
  local label=$1 target=$2 n=$3 mode=$4 client=$5 record=${6:-}
  local url=http://127.0.0.1:$UPORT model=bench-upstream key=sk-bench rate=0 before="" after
  if [ "$target" = gateway ]; then url=http://127.0.0.1:$PPORT model=streamed key=${KEY[$client]}; before=$(pool "$client"); fi
  [ "$mode" = rate ] && rate=$RATE
  [ "$mode" = warm-up ] && rate=$WARMUP_RATE
  local load p0 u0 t0 q0 k0 p1 u1 t1 q1 k1 rss0 peak loader line
  load=$(cut -d' ' -f1 /proc/loadavg)
  rss0=$(rss_kb "$PORTAL")
  p0=$(cpu_ticks "$PORTAL"); u0=$(cpu_ticks "$UPSTREAM_PID"); t0=$(date +%s%N); q0=$(listen_overflows); k0=$(sys_ticks "$PORTAL")
  "$OUT/streamload/StreamLoad" --url "$url" --key "$key" --model "$model" --streams "$n" --rate "$rate" >"$WORK/streamload.out" 2>&1 &
  loader=$!
  PIDS+=("$loader")
  peak=$(peak_rss_while "$PORTAL" "$loader")
  wait "$loader" || die "$label: StreamLoad failed: $(tail -5 "$WORK/streamload.out")"
  p1=$(cpu_ticks "$PORTAL"); u1=$(cpu_ticks "$UPSTREAM_PID"); t1=$(date +%s%N); q1=$(listen_overflows); k1=$(sys_ticks "$PORTAL")
  line=$(grep '^STREAM ' "$WORK/streamload.out") || die "$label: StreamLoad printed no STREAM line: $(cat "$WORK/streamload.out")"
  local streams ok errors first_p50 first_p99 first_max gap_p50 gap_p99 gap_max chunks prompt_tokens completion_tokens peak_open elapsed_s cpu_s kinds
  eval "$(echo "${line#STREAM }" | tr ' ' '\n' | grep -E '^(streams|ok|errors|first_p50|first_p99|first_max|gap_p50|gap_p99|gap_max|chunks|prompt_tokens|completion_tokens|peak_open|elapsed_s|cpu_s)(_ms)?=' | sed 's/_ms=/=/')"
  kinds=$(echo "$line" | grep -oE 'error_[a-z_0-9]+=[0-9]+' | tr '\n' ' ' || true)

  local fail="" exact="n/a (no portal)"
  [ "$errors" = 0 ] || fail+=" $errors of $n streams failed (${kinds% });"
  [ "$chunks" = $((ok * CHUNKS)) ] || fail+=" $chunks content chunks arrived != $ok x $CHUNKS;"
  [ "$prompt_tokens|$completion_tokens" = "$((ok * PROMPT_TOKENS))|$((ok * CHUNKS))" ] ||
    fail+=" streams reported usage $prompt_tokens/$completion_tokens != $ok x $PROMPT_TOKENS/$CHUNKS;"
  if [ -n "$before" ]; then
    after=$(pool "$client")
    pool_change_check "$before" "$after" "$ok" "$COST" "$PROMPT_TOKENS" "$CHUNKS"
    fail+=$POOL_FAILS
    exact="yes: $ok streams = pool = log; $POOL_SPENT µc = $ok × $COST; tokens $((ok * PROMPT_TOKENS))/$((ok * CHUNKS)); balance −$POOL_SPENT +$POOL_REFILL refill"
  fi
  [ -n "$fail" ] && exact="NO:$fail"

  local per_chunk="n/a" per_stream="n/a" kernel="n/a" rss="n/a" per_open="n/a" up_chunk over="n/a"
  up_chunk=$(awk -v d=$((u1 - u0)) -v t="$TICKS" -v c="$chunks" 'BEGIN {if (c > 0) printf "%.1f", d / t / c * 1e6; else print "n/a"}')
  if [ "$target" = gateway ]; then
    # Raw, and without what the portal burns when idle (timers, background services) over the run's wall time.
    per_chunk=$(awk -v d=$((p1 - p0)) -v t="$TICKS" -v c="$chunks" -v idle="${IDLE_CORES:-0}" -v w=$((t1 - t0)) \
      'BEGIN {if (c > 0) printf "%.0f (%.0f)", d / t / c * 1e6, (d / t - idle * w / 1e9) / c * 1e6; else print "n/a"}')
    kernel=$(awk -v k=$((k1 - k0)) -v d=$((p1 - p0)) 'BEGIN {if (d > 0) printf "%.0f%%", 100 * k / d; else print "n/a"}')
    per_stream=$(awk -v d=$((p1 - p0)) -v t="$TICKS" -v n="$ok" 'BEGIN {if (n > 0) printf "%.0f", d / t / n * 1e6; else print "n/a"}')
    rss=$(awk -v a="$rss0" -v b="$peak" 'BEGIN {printf "%.0f → %.0f", a / 1024, b / 1024}')
    # The GC keeps the heap it grew, so only streams beyond the most this portal has held open before need new memory:
    # per stream above that mark, or nothing to say when the run stays under it.
    per_open=$(awk -v a="$rss0" -v b="$peak" -v n="$peak_open" -v m="$MOST_OPEN" \
      'BEGIN {if (n > m) printf "%.1f (%d beyond %d)", (b - a) / (n - m), n - m, m; else printf "n/a (≤ %d held before)", m}')
    [ "$peak_open" -gt "$MOST_OPEN" ] && MOST_OPEN=$peak_open
    [ -n "${DIRECT_GAP_P99[$n-$mode]:-}" ] && over=$(awk -v g="$gap_p99" -v d="${DIRECT_GAP_P99[$n-$mode]}" 'BEGIN {printf "%+.1f", g - d}')
  else
    DIRECT_GAP_P99[$n-$mode]=$gap_p99
  fi
  echo "$label: $ok/$n ok, first chunk p50 $first_p50 ms p99 $first_p99 ms, gap p50 $gap_p50 p99 $gap_p99 max $gap_max ms, portal $per_chunk µs/chunk ($kernel in the kernel), RSS $rss MB ($per_open KB/open stream of $peak_open), client CPU ${cpu_s} s, $((q1 - q0)) listen overflows, ${elapsed_s} s; exact: $exact" >&2
  [ -n "$record" ] && echo "| $record | $target | $n | $mode | $ok | $errors${kinds:+ (${kinds% })} | $first_p50 | $first_p99 | $gap_p50 | $gap_p99 | $gap_max | $over | $per_chunk | $per_stream | $kernel | $rss | $per_open | $peak_open | $up_chunk | $((q1 - q0)) | $elapsed_s | $load | $exact |" >>"$TABLE"
  if [ -n "$fail" ]; then
    cat "$TABLE"
    die "$label ($client):$fail"
  fi
}

if [ "$WARMUP" -gt 0 ]; then
  echo "warming up ($WARMUP streams at $WARMUP_RATE a second straight, then through the gateway) ..." >&2
  run "upstream direct (warm-up)" direct "$WARMUP" warm-up none
  run "gateway (warm-up)" gateway "$WARMUP" warm-up bench-stream-warm
fi
if [ "$IDLE_SECONDS" -gt 0 ]; then
  sleep 2 # the warm-up's tail first: the ledger's last batches, tiered JIT's recompiles
  idle0=$(cpu_ticks "$PORTAL")
  sleep "$IDLE_SECONDS"
  IDLE_CORES=$(awk -v d=$(($(cpu_ticks "$PORTAL") - idle0)) -v t="$TICKS" -v s="$IDLE_SECONDS" 'BEGIN {printf "%.4f", d / t / s}')
  echo "portal idle: $IDLE_CORES cores over $IDLE_SECONDS s" >&2
fi
round=0
for n in $STREAMS; do
  for mode in $MODES; do
    round=$((round + 1))
    run "$n $mode, upstream direct" direct "$n" "$mode" none "$n-$mode-direct"
    run "$n $mode, gateway" gateway "$n" "$mode" "bench-stream-$round-$n-$mode" "$n-$mode-gateway"
  done
done

{
  echo
  echo "- each stream: $CHUNKS content chunks, the first at once, then one every $GAP_MS ms, then usage ($PROMPT_TOKENS/$CHUNKS tokens, $COST micro-coins) and [DONE]; rate mode opens $RATE streams a second"
  echo "- portal CPU: utime + stime over the run ÷ content chunks relayed, in brackets less the idle rate (${IDLE_CORES:-not measured} cores, read over $IDLE_SECONDS s from 2 s after the warm-up) × the run's wall time; µs/stream is the raw figure ÷ streams"
  echo "- portal RSS: VmRSS just before the run → the highest VmRSS sampled every 0.1 s during it; KB/open stream = (peak − before) ÷ the streams open at once (peak open) beyond the most the portal held open in any earlier run (warm-up included): the GC keeps the heap it grew, so a run that stays under that mark needs no new memory and says n/a"
  echo "- listen overflows: the kernel's TcpExt ListenOverflows over the run (the whole machine's): connections turned away by a full accept queue, each retried by its caller's SYN retransmit after 1 s (then 3 s, 7 s); the stand-in upstream listens with the kernel's maximum (somaxconn $(cat /proc/sys/net/core/somaxconn)), the portal with Kestrel's default (512)"
  echo "- a gap p50 near 0 ms means chunks arrived together: the machine (upstream, portal or StreamLoad) fell behind and the sockets' buffers caught up at once"
  echo "- portal peak RSS over the whole session (VmHWM): $(hwm_mb "$PORTAL") MB"
  echo "- load average after the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
} >>"$TABLE"
cat "$TABLE"
REMOVE_ON_EXIT=$WORK # removed on exit, after the database stops: removing it first left PostgreSQL running

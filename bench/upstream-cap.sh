#!/usr/bin/env bash
# The portal's memory when an upstream sends an answer far over Gateway:MaxUpstreamResponseBytes (issue #15): publishes
# the portal (Release) and bench/DummyUpstream, starts an upstream that answers every completion with HUGE_MB of text
# (chunked: no Content-Length to refuse it by), and calls a model proxied to it CALLS times whole and CALLS times
# streamed. Each call must be refused as §15 says (502 upstream_error, in-band for a stream) and logged once, not
# charged. Prints the portal's peak resident memory (VmHWM) after a warm-up of normal calls and after the huge ones,
# and fails when the peak reaches LIMIT_MB. Every process it starts is stopped on exit.
#
# Settings (environment): HUGE_MB (200), CALLS (5), LIMIT_MB (400), BENCH_PUBLISH (0 reuses the publish in OUT),
# OUT (/tmp/lumen-cap; point it at another publish to measure another build).
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
HUGE_MB=${HUGE_MB:-200}
CALLS=${CALLS:-5}
LIMIT_MB=${LIMIT_MB:-400}
OUT=${OUT:-/tmp/lumen-cap}
source "$REPO/bench/lib.sh"
for tool in sqlite3 curl dotnet python3; do command -v $tool >/dev/null || die "$tool is not installed"; done


if [ "${BENCH_PUBLISH:-1}" != 0 ]; then
  echo "publishing (Release) ..." >&2
  dotnet publish "$REPO/Lumen.Portal/Lumen.Portal.csproj" -c Release -o "$OUT/portal" --nologo -v q >&2
  dotnet publish "$REPO/bench/DummyUpstream/DummyUpstream.csproj" -c Release -o "$OUT/upstream" --nologo -v q >&2
fi

WORK=$(mktemp -d /tmp/lumen-cap-run.XXXXXX)
UPORT=$(free_port)
HPORT=$(free_port)
PPORT=$(free_port)
cat >"$WORK/config.yaml" <<YAML
admins: [bench@example.org]
models:
  - name: dummy
  - name: proxied
    endpoints: [{url: "http://127.0.0.1:$UPORT/v1", model: bench-upstream, api_key: sk-bench}]
  - name: huge
    endpoints: [{url: "http://127.0.0.1:$HPORT/v1", model: bench-upstream, api_key: sk-bench}]
clients:
  default: {max: 1000.0, starting: 1000.0, model_access: {default: whitelist}}
YAML
published_portal_env
cli clients create cap-bench >/dev/null
KEY=$(cli keys create cap-bench --name cap | tail -n1)

"$OUT/upstream/DummyUpstream" --urls "http://127.0.0.1:$UPORT" >"$WORK/upstream.log" 2>&1 & PIDS+=($!)
"$OUT/upstream/DummyUpstream" --urls "http://127.0.0.1:$HPORT" --huge-mb "$HUGE_MB" >"$WORK/huge.log" 2>&1 & PIDS+=($!)
start_published_portal "$PPORT"

call() { # model stream → "status bytes" of the answer
  curl -s --max-time 120 -o "$WORK/answer" -w '%{http_code}' -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
    -d "{\"model\":\"$1\",\"stream\":$2,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}" "http://127.0.0.1:$PPORT/v1/chat/completions" || true
}
for _ in $(seq 1 50); do [ "$(call proxied false)" = 200 ] || die "a normal call failed"; call dummy true >/dev/null; done
before_hwm=$(hwm_mb "$PORTAL"); before_rss=$(rss_mb "$PORTAL")
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg); upstream answers $HUGE_MB MB each; cap 32 MiB (default)"
echo "after 100 normal calls: VmHWM $before_hwm MB, VmRSS $before_rss MB"
for i in $(seq 1 "$CALLS"); do
  whole=$(call huge false); grep -q '"code":"upstream_error"' "$WORK/answer" || die "whole call $i: no upstream_error in $(head -c 300 "$WORK/answer")"
  [ "$whole" = 502 ] || die "whole call $i answered $whole"
  whole_bytes=$(stat -c %s "$WORK/answer")
  streamed=$(call huge true); grep -q '"code":"upstream_error"' "$WORK/answer" || die "streamed call $i: no in-band upstream_error"
  echo "call $i: whole $whole ($whole_bytes bytes of error body), streamed $streamed + in-band error ($(stat -c %s "$WORK/answer") bytes passed on before it); VmHWM $(hwm_mb "$PORTAL") MB, VmRSS $(rss_mb "$PORTAL") MB"
done
rows=$(sqlite3 -readonly "$WORK/data/lumen.db" "SELECT COUNT(*) || ' rows, ' || SUM(Status = 502) || ' of them 502 upstream_error, ' || SUM(CoinsMicros) || ' micro-coins' FROM request_log WHERE Model = 'huge' AND Outcome = 'upstream_error'")
spent=$(sqlite3 -readonly "$WORK/data/lumen.db" "SELECT CoinsSpentMicros FROM coin_pools")
after=$(hwm_mb "$PORTAL")
echo "request log for model huge: $rows; pool coins spent $spent"
echo "peak resident memory (VmHWM): $before_hwm MB before, $after MB after $((CALLS * 2)) answers of $HUGE_MB MB; VmRSS now $(rss_mb "$PORTAL") MB"
[ "$(sqlite3 -readonly "$WORK/data/lumen.db" "SELECT COUNT(*) FROM request_log WHERE Model = 'huge'")" = $((CALLS * 2)) ] || die "expected $((CALLS * 2)) rows for huge"
[ "$after" -lt "$LIMIT_MB" ] || die "peak memory $after MB is not under $LIMIT_MB MB"
echo "ok: under $LIMIT_MB MB"

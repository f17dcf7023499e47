#!/usr/bin/env bash
# The portal's memory under the largest embeddings calls it answers (issue #29 item 3): publishes the portal (Release),
# then sends CALLS embeddings calls of the built-in dummy over the input bound (2,049 empty inputs: each must be 400
# invalid_request naming the bound) and CALLS at the bound (2,048 inputs x 4,096 dimensions as floats, about 100 MB of
# JSON each, read and thrown away). Prints the portal's resident memory at the start (after a few small calls) and its
# peak (VmHWM) after, and fails when the peak is more than ABOVE_MB over the start. Every process it starts is stopped
# on exit.
#
# Settings (environment): CALLS (20), ABOVE_MB (150), BENCH_PUBLISH (0 reuses the publish in OUT), BUILD (a label),
# OUT (/tmp/lumen-embeddings-cap; point it at another publish to measure another build).
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
CALLS=${CALLS:-20}
ABOVE_MB=${ABOVE_MB:-150}
OUT=${OUT:-/tmp/lumen-embeddings-cap}
source "$REPO/bench/lib.sh"
for tool in sqlite3 curl dotnet python3; do command -v $tool >/dev/null || die "$tool is not installed"; done

if [ "${BENCH_PUBLISH:-1}" != 0 ]; then
  echo "publishing (Release) ..." >&2
  dotnet publish "$REPO/Lumen.Portal/Lumen.Portal.csproj" -c Release -o "$OUT/portal" --nologo -v q >&2
fi

WORK=$(mktemp -d /tmp/lumen-embeddings-cap-run.XXXXXX)
PPORT=$(free_port)
cat >"$WORK/config.yaml" <<YAML
admins: [bench@example.org]
models:
  - name: dummy
clients:
  default: {max: 1000.0, starting: 1000.0, model_access: {default: whitelist}}
YAML
published_portal_env
cli clients create embeddings-bench >/dev/null
KEY=$(cli keys create embeddings-bench --name cap | tail -n1)
start_published_portal "$PPORT"

body() { # inputs dimensions → a request body in $WORK/body-$1.json
  python3 -c "import json,sys; print(json.dumps({'model':'dummy','encoding_format':'float','dimensions':int(sys.argv[2]),'input':['']*int(sys.argv[1])}))" "$1" "$2" >"$WORK/body-$1.json"
}
call() { # inputs → "status bytes" of the answer (the answer itself is thrown away as it arrives)
  curl -s --max-time 300 -o /dev/null -w '%{http_code} %{size_download}' -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
    --data-binary "@$WORK/body-$1.json" "http://127.0.0.1:$PPORT/v1/embeddings" || true
}
body 16 16; body 2049 4096; body 2048 4096
for _ in $(seq 1 20); do [ "$(call 16 | cut -d' ' -f1)" = 200 ] || die "a small call failed"; done
start_rss=$(rss_mb "$PORTAL"); start_hwm=$(hwm_mb "$PORTAL")
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), build ${BUILD:-$(git -C "$REPO" rev-parse --short HEAD)}, $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg); $CALLS refused and $CALLS at the bound"
echo "start (after 20 small calls): VmRSS $start_rss MB, VmHWM $start_hwm MB"
# calls INPUTS STATUS: CALLS calls of INPUTS inputs; OK counts those answered STATUS. Counted rather than checked one by
# one, so an older build (no bound) can be measured too.
calls() {
  OK=0
  for i in $(seq 1 "$CALLS"); do
    read -r status bytes <<<"$(call "$1")"
    [ "$status" = "$2" ] && OK=$((OK + 1))
    [ "$i" = 1 ] && echo "first call of $1 inputs: $status, $bytes bytes"
  done
  echo "after $CALLS calls of $1 inputs ($OK of them $2): VmHWM $(hwm_mb "$PORTAL") MB, VmRSS $(rss_mb "$PORTAL") MB"
}
calls 2049 400
refused=$OK
calls 2048 200
answered=$OK
after_hwm=$(hwm_mb "$PORTAL")
rows=$(sqlite3 -readonly "$WORK/data/lumen.db" "SELECT SUM(Status = 400 AND Outcome = 'invalid_request') || ' rows 400 invalid_request, ' || SUM(Status = 200) || ' rows 200' FROM request_log WHERE Operation = 'embeddings'")
echo "request log: $rows"
echo "peak over start: $((after_hwm - start_rss)) MB (bound $ABOVE_MB MB)"
[ "$refused" = "$CALLS" ] || die "$((CALLS - refused)) of $CALLS calls over the bound were not refused with 400"
[ "$answered" = "$CALLS" ] || die "$((CALLS - answered)) of $CALLS calls at the bound were not answered"
[ $((after_hwm - start_rss)) -le "$ABOVE_MB" ] || die "the peak is $((after_hwm - start_rss)) MB over the start, more than $ABOVE_MB MB"
echo "ok"

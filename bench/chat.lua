-- wrk script for bench/gateway-load.sh: POST /v1/chat/completions with a bearer key, for a fixed window.
--
-- wrk stops at -d by dropping whatever is in flight, and the server still answers (and charges) those calls,
-- so a plain duration run can never be compared exactly with the server's counters. Here every connection stops
-- sending at the end of BENCH_SECONDS (delay() parks it) and wrk's -d leaves a margin for the last answers to
-- arrive; done() fails the run if any request was still unanswered when wrk stopped.
--
-- Environment: BENCH_KEY (or BENCH_KEYS, several keys separated by commas: each thread sends them in turn, so the
-- calls spread evenly over their clients), BENCH_MODEL, BENCH_SECONDS, and BENCH_OPERATION (chat, the default, or
-- embeddings: POST /v1/embeddings with one input). Prints one line "BENCH key=value ...".
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clk_id, bench_timespec *tp);
]]
local ts = ffi.new("bench_timespec")
local function now()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) / 1e9
end

local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  local keys = {}
  for k in string.gmatch(os.getenv("BENCH_KEYS") or os.getenv("BENCH_KEY") or error("BENCH_KEY is not set"), "[^,]+") do
    table.insert(keys, k)
  end
  local model = os.getenv("BENCH_MODEL") or error("BENCH_MODEL is not set")
  window = tonumber(os.getenv("BENCH_SECONDS") or error("BENCH_SECONDS is not set"))
  local path, body = "/v1/chat/completions", '{"model":"' .. model .. '","messages":[{"role":"system","content":"You are terse."},'
    .. '{"role":"user","content":"Say hello to the load test."}],"max_tokens":16}'
  if os.getenv("BENCH_OPERATION") == "embeddings" then
    path, body = "/v1/embeddings", '{"model":"' .. model .. '","input":"Say hello to the load test.","encoding_format":"float"}'
  end
  reqs = {}
  for i, key in ipairs(keys) do
    reqs[i] = wrk.format("POST", path, { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. key }, body)
  end
  turn = 0
  sent, ok, failed, first, last, deadline = 0, 0, 0, 0, 0, nil
end

function delay()
  local t = now()
  if deadline == nil then
    first = t
    deadline = t + window
  end
  if t >= deadline then return 3600000 end -- park this connection until wrk stops
  return 0
end

function request()
  -- wrk calls this once on thread 1 before the run to check the request; delay() runs before every real one.
  if deadline ~= nil then sent = sent + 1 end
  turn = turn % #reqs + 1
  return reqs[turn]
end

function response(status, headers, body)
  if status >= 200 and status < 300 then ok = ok + 1 else failed = failed + 1 end
  last = now()
end

function done(summary, latency, requests)
  local sent_all, ok_all, failed_all, first_all, last_all = 0, 0, 0, math.huge, 0
  for _, t in ipairs(threads) do
    sent_all = sent_all + t:get("sent")
    ok_all = ok_all + t:get("ok")
    failed_all = failed_all + t:get("failed")
    local f, l = t:get("first"), t:get("last")
    if f > 0 and f < first_all then first_all = f end
    if l > last_all then last_all = l end
  end
  local elapsed = last_all - first_all
  local e = summary.errors
  io.write(string.format(
    "BENCH sent=%d ok=%d failed=%d unanswered=%d elapsed=%.3f rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f p999_ms=%.2f max_ms=%.2f "
      .. "connect_errors=%d read_errors=%d write_errors=%d timeouts=%d\n",
    sent_all, ok_all, failed_all, sent_all - ok_all - failed_all, elapsed, ok_all / elapsed,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency:percentile(99.9) / 1000,
    latency.max / 1000,
    e.connect, e.read, e.write, e.timeout))
end

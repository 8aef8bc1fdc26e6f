-- wrk script of bench/http_paths.py: one request kind per run, configured by the environment.
--   BENCH_KIND    individual | exam | completion | get
--   BENCH_PATH    the request path
--   BENCH_TOKEN   a bearer token ("" for none)
--   BENCH_PREFIX  makes every external id / CCO ID of the run unique
--   BENCH_ARG     exam: the exam number; completion: the activity id
-- Every response's status is counted; done() prints one line "BENCH_JSON {...}" with the figures.

local kind = os.getenv("BENCH_KIND")
local target = os.getenv("BENCH_PATH")
local token = os.getenv("BENCH_TOKEN") or ""
local prefix = os.getenv("BENCH_PREFIX") or "b"
local arg = os.getenv("BENCH_ARG") or ""
local headers = {["Content-Type"] = "application/json", ["Accept"] = "application/json"}
if token ~= "" then headers["Authorization"] = "Bearer " .. token end

local threads = {}
local counter = 0
tid = 0
codes = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

local function body_of(id)
  if kind == "individual" then
    return string.format('{"cco_id":"%s","name":"Bench Person %s","email":"%s@bench.example"}', id, id, id)
  elseif kind == "exam" then
    return string.format('{"external_id":"%s","cco_id":"%s","exam_number":"%s","taken_on":"2026-03-01","passed":true}',
      id, id, arg)
  elseif kind == "completion" then
    return string.format('{"external_id":"%s","cco_id":"%s","activity_id":"%s","action":"completed",' ..
      '"occurred_at":"2026-03-01T12:00:00Z"}', id, id, arg)
  end
  return nil
end

function request()
  if kind == "get" then
    return wrk.format("GET", target, headers)
  end
  counter = counter + 1
  local id = string.format("%s%dx%d", prefix, tid, counter)
  return wrk.format("POST", target, headers, body_of(id))
end

function response(status, _, _)
  local key = tostring(status)
  codes[key] = (codes[key] or 0) + 1
end

function done(summary, latency, _)
  local total = {}
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("codes")) do total[k] = (total[k] or 0) + v end
  end
  local parts = {}
  for k, v in pairs(total) do table.insert(parts, string.format('"%s":%d', k, v)) end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"max_us":%d,' ..
    '"socket_errors":%d,"timeouts":%d,"codes":{%s}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    e.connect + e.read + e.write, e.timeout, table.concat(parts, ",")))
end

-- wrk script for the conversion API: each request is the next line of CONVERSIONS_FILE
-- ("<Partnerlink-Signature>\t<JSON body>"), each line sent once (a second time would be a
-- replay); threads take every THREADS-th line. When every line is handed out a thread leaves a
-- mark in DONE_DIR and asks only for /healthz; money.sh then ends wrk. The summary line counts
-- the 201s and the time from the first request to the last conversion's answer. Every answer
-- should be 201; others are written to standard error.
local threads = {}
local ffi = require("ffi")
ffi.cdef[[
  typedef struct { long tv_sec; long tv_nsec; } timespec_t;
  int clock_gettime(int clock, timespec_t *ts);
]]
-- Wall-clock seconds (CLOCK_MONOTONIC): wrk's own duration is the -d it was given, even when
-- every thread stopped early.
local function now()
  local ts = ffi.new("timespec_t")
  ffi.C.clock_gettime(1, ts)
  return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) / 1e9
end

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  lines = {}
  local step = tonumber(os.getenv("BENCH_THREADS") or "1")
  local n = 0
  for line in io.lines(os.getenv("CONVERSIONS_FILE")) do
    if n % step == id then
      local tab = line:find("\t", 1, true)
      table.insert(lines, { line:sub(1, tab - 1), line:sub(tab + 1) })
    end
    n = n + 1
  end
  next_line = 1
  answered = 0
  created = 0
  started = 0
  finished = 0
end

function request()
  if started == 0 then
    started = now()
  end
  local entry = lines[next_line]
  next_line = next_line + 1
  if next_line == #lines + 2 then
    -- Every line is handed out: tell the script that started wrk (see money.sh).
    local mark = io.open(os.getenv("DONE_DIR") .. "/done-" .. id, "w")
    if mark then mark:close() end
  end
  if entry == nil then
    -- Every line is sent: while the last answers come in, the connections ask for something
    -- that stores nothing (its 200 is not counted).
    return wrk.format("GET", "/healthz")
  end
  return wrk.format("POST", "/api/v1/conversions",
    { ["Content-Type"] = "application/json", ["Partnerlink-Signature"] = entry[1] }, entry[2])
end

function response(status, headers, body)
  if status == 200 and not body:find("conversion_id", 1, true) then
    return
  end
  answered = answered + 1
  if status == 201 then
    created = created + 1
  else
    io.stderr:write("answer " .. status .. ": " .. body .. "\n")
  end
  finished = now()
  wrk.thread:set("created", created)
  wrk.thread:set("started", started)
  wrk.thread:set("finished", finished)
end

done = function(summary, latency, requests)
  -- From the first request of any thread to the last answer of all.
  local first, last, total = nil, 0, 0
  for _, thread in ipairs(threads) do
    local s, f = thread:get("started"), thread:get("finished")
    if s and (first == nil or s < first) then first = s end
    if f and f > last then last = f end
    total = total + (thread:get("created") or 0)
  end
  local seconds = last - (first or last)
  if seconds <= 0 then seconds = summary.duration / 1e6 end
  io.write(string.format(
    "RESULT requests=%d seconds=%.3f rps=%.0f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f non3xx=%d connect_errors=%d read_errors=%d write_errors=%d timeouts=%d\n",
    total, seconds, total / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.status, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.timeout))
end

-- Shared by the wrk scripts: the session file, JSON bodies, and one JSON line of results.
-- wrk runs each script once in its main Lua state (setup, done) and once per thread
-- (init, request, response), so this file is loaded into every one of them.
local common = {}

-- The sessions file (scripts/bench/sessions.py): one "access refresh" pair per line.
function common.sessions()
  local sessions = {}
  for line in io.lines(os.getenv("BENCH_SESSIONS")) do
    local access, refresh = line:match("^(%S+)%s+(%S+)$")
    sessions[#sessions + 1] = { access = access, refresh = refresh }
  end
  assert(#sessions > 0, "no sessions in " .. os.getenv("BENCH_SESSIONS"))
  return sessions
end

-- Hands thread n the n-th session (wrapping), so each thread has tokens of its own.
local next_session = 0
function common.assign(thread, sessions)
  local session = sessions[next_session % #sessions + 1]
  next_session = next_session + 1
  thread:set("access", session.access)
  thread:set("refresh", session.refresh)
end

function common.json_post(path, body)
  return wrk.format("POST", path, { ["Content-Type"] = "application/json" }, body)
end

-- Appends the run's figures to $BENCH_JSON, labelled with $BENCH_LABEL (a JSON object body:
-- "scenario":..,"server":..). Latencies are in microseconds in wrk; written in milliseconds.
function common.report(summary, latency)
  local errors = summary.errors
  local failed = errors.connect + errors.read + errors.write + errors.status + errors.timeout
  local seconds = summary.duration / 1e6
  local line = string.format(
    '{%s,"requests":%d,"per_second":%.1f,"p50_ms":%.3f,"p99_ms":%.3f,"max_ms":%.3f,'
      .. '"errors":%d,"status_errors":%d,"timeouts":%d}\n',
    os.getenv("BENCH_LABEL"), summary.requests, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    failed, errors.status, errors.timeout)
  local out = assert(io.open(os.getenv("BENCH_JSON"), "a"))
  out:write(line)
  out:close()
end

return common

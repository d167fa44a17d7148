-- wrk: GET /api/user/ with each thread's own valid access token.
local common = dofile(os.getenv("BENCH_LUA") .. "/common.lua")
local sessions = common.sessions()

function setup(thread)
  common.assign(thread, sessions)
end

-- The request never changes, so it is set up once per thread and no `request()` is defined:
-- wrk then sends its prepared bytes instead of calling into Lua for every request, and the
-- load generator takes less of the CPU it shares with the server under test (both servers).
function init()
  wrk.path = "/api/user/"
  wrk.headers["Authorization"] = "Bearer " .. access
end

-- With $BENCH_DELAY_MS set, each connection pauses between requests: a steady probe that
-- measures latency under someone else's load instead of adding load of its own.
local pause = tonumber(os.getenv("BENCH_DELAY_MS") or "")
if pause then
  function delay()
    return pause
  end
end

function done(summary, latency)
  common.report(summary, latency)
end

-- wrk: GET /api/user/ with each thread's own valid access token.
local common = dofile(os.getenv("BENCH_LUA") .. "/common.lua")
local sessions = common.sessions()

function setup(thread)
  common.assign(thread, sessions)
end

function init()
  request_text = wrk.format("GET", "/api/user/", { ["Authorization"] = "Bearer " .. access })
end

function request()
  return request_text
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

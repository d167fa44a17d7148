-- wrk: token rotation. Run with as many threads as connections (-t N -c N): each thread then
-- owns one connection and one session, sends its current refresh token and keeps the new one
-- from the answer, so every request rotates its own session's latest token.
local common = dofile(os.getenv("BENCH_LUA") .. "/common.lua")
local sessions = common.sessions()

function setup(thread)
  common.assign(thread, sessions)
end

function request()
  return common.json_post("/api/token/refresh/", '{"refresh":"' .. refresh .. '"}')
end

function response(status, headers, body)
  if status == 200 then
    refresh = body:match('"refresh"%s*:%s*"([^"]+)"') or refresh
  end
end

-- With $BENCH_DELAY_MS set, each connection pauses between rotations: a steady load below
-- saturation, whose tail is the latency a user sees (at saturation a closed loop's mean
-- latency is connections / throughput, whatever the server does: Little's law).
local pause = tonumber(os.getenv("BENCH_DELAY_MS") or "")
if pause then
  function delay()
    return pause
  end
end

function done(summary, latency)
  common.report(summary, latency)
end

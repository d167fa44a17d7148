-- wrk: token rotation spread over many sessions (scripts/bench/sizing.sh), so a large sessions
-- table is read and written all over, not in one hot corner. As refresh.lua, run with a thread
-- per connection (-t N -c N); each thread owns every N-th session of $BENCH_SESSIONS and rotates
-- them in turn, keeping the refresh token each answer returns.
local common = dofile(os.getenv("BENCH_LUA") .. "/common.lua")
local sessions = common.sessions()
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("index", threads)
end

function init()
  local count = tonumber(os.getenv("BENCH_THREADS"))
  mine, turn = {}, 0
  for n = index, #sessions, count do
    mine[#mine + 1] = sessions[n].refresh
  end
  assert(#mine > 0, "more threads than sessions")
end

function request()
  turn = turn % #mine + 1
  return common.json_post("/api/token/refresh/", '{"refresh":"' .. mine[turn] .. '"}')
end

function response(status, headers, body)
  if status == 200 then
    mine[turn] = body:match('"refresh"%s*:%s*"([^"]+)"') or mine[turn]
  end
end

function done(summary, latency)
  common.report(summary, latency)
end

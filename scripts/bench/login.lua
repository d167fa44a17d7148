-- wrk: sign-ins (POST /api/login/) of the benchmark account, each one a password verify and a
-- new session.
local common = dofile(os.getenv("BENCH_LUA") .. "/common.lua")

function init()
  request_text = common.json_post("/api/login/", string.format('{"email":"%s","password":"%s"}',
    os.getenv("BENCH_EMAIL"), os.getenv("BENCH_PASSWORD")))
end

function request()
  return request_text
end

function done(summary, latency)
  common.report(summary, latency)
end

#!/usr/bin/env bash
# Gatehouse's benchmark suite (`make bench`, not part of `make test`): Gatehouse (release build)
# side by side with the Django + DRF + simplejwt peer (../shared/bench/peer_simplejwt), both on
# loopback, driven by wrk (Debian's package) with the Lua scripts in scripts/bench/. Scenarios
# alternate between the two servers, round after round, so machine noise hits both alike; the
# report takes each figure's median over the rounds. Prints the table and writes it to
# target/bench/results.md. See the README's Benchmarks section.
#
# Knobs: BENCH_SECONDS (per run, default 10), BENCH_ROUNDS (default 3), BENCH_PEER (the peer's
# directory), BENCH_POSTGRES_URL (an admin URL for creating the throwaway databases),
# BENCH_REDIS_URL (the Redis of the shared rate limits, default redis://127.0.0.1:6379),
# BENCH_REDIS_TIMEOUT_MS (its REDIS_TIMEOUT_MS, default the server's 10),
# BENCH_BUILD=0 (reuse the last release build and criterion figures, when iterating on the suite),
# BENCH_ONLY=redis (only the Redis limiter's phase, with BENCH_BUILD=0 a quick check of it).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# npm's binaryen wasm-opt (scripts/setup.sh) must come first: cargo-leptos runs it for release builds.
export PATH="$root/.tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
seconds=${BENCH_SECONDS:-10}
rounds=${BENCH_ROUNDS:-3}
peer_dir=${BENCH_PEER:-$root/../shared/bench/peer_simplejwt}
peer_venv=${PEER_VENV:-$HOME/.cache/peer-simplejwt-venv}
pg_admin=${BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}
redis_url=${BENCH_REDIS_URL:-redis://127.0.0.1:6379}
redis_timeout_ms=${BENCH_REDIS_TIMEOUT_MS:-10}
gatehouse_port=3300
gatehouse_redis_port=3302
peer_port=8900
peer_argon2_port=8901
# Connections per scenario. `me` at 64 as the budget names, from one wrk thread: a second
# thread only adds a third busy thread on the two cores it shares with the server (by hand,
# Gatehouse: ~55k → ~63k req/s, p99 2.2 → 1.9 ms); refresh needs a thread per
# connection (scripts/bench/refresh.lua); the login storm queues more sign-ins than there are
# cores while a slow probe (4 connections, 10 ms apart) measures GET /api/user/ beside it.
me_connections=64
# Refresh at 64 connections, as issue 13 names: flat out (throughput), and paced (each connection
# rotating every refresh_pace_ms) for the tail budget: at saturation a closed loop's mean latency
# is connections / throughput (Little's law), so a p99 under 10 ms at 64 saturated connections
# would need over 6,400 rotations/s from the one core wrk leaves; paced, the tail measures the
# server, not the queue wrk builds.
refresh_connections=64
refresh_pace_ms=40
login_connections=4
storm_connections=8
probe_connections=4
probe_delay_ms=10
email=bench@example.com
password=bench-load-password-1

out=target/bench
mkdir -p "$out"
results="$out/results.jsonl"
: >"$results"
work=$(mktemp -d)
export BENCH_LUA="$root/scripts/bench" BENCH_JSON="$results"
step() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# 1. Tools: wrk from Debian, skipped when present.
if ! command -v wrk >/dev/null 2>&1; then
  step "wrk (Debian package)"
  "$root/scripts/apt-install.sh" wrk
fi

# 2. The release site (server + wasm bundle, as deployed), and the micro benchmarks, which must
#    be as lint-clean as the rest though `make lint` does not build them (criterion is slow to
#    compile, so it stays out of `make test`).
if [ "${BENCH_BUILD:-1}" != 0 ]; then
  step "release build"
  cargo leptos build --release --split
  step "criterion: token sign and verify"
  cargo clippy -p microbench --all-targets --locked -- -D warnings
  cargo bench -p microbench --locked --bench tokens -- --warm-up-time 1 --measurement-time 3 --noplot
fi

# Every server this script starts, by pid, so the trap stops exactly those, also on failure.
pids=()
databases=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  for db in "${databases[@]}"; do
    psql "$pg_admin" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  done
  # The servers' and wrk's output stay for a look after a failed or surprising run.
  cp "$work"/*.log "$out/" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

new_database() { # name -> creates it, to be dropped on exit
  databases+=("$1")
  PGOPTIONS=--client-min-messages=warning psql "$pg_admin" -qc "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1" >/dev/null
}

start_gatehouse() { # DATABASE_URL [port [VAR=value...]] -> sets gatehouse_pid
  local url=$1 port=${2:-$gatehouse_port}
  shift $(($# < 2 ? $# : 2))
  # RATE_LIMIT_ENABLED=false: a load test is one client hammering, exactly what limits stop
  # (the Redis limiter's phase turns them on, with budgets the load never spends).
  env RATE_LIMIT_ENABLED=false "$@" DATABASE_URL="$url" LEPTOS_SITE_ADDR="127.0.0.1:$port" \
    JWT_SECRET_KEY="$(target/release/server generate-secret | cut -d= -f2-)" \
    DEV_SECRET_FILE="$work/secret" RUST_LOG=warn target/release/server >>"$work/gatehouse-$port.log" 2>&1 &
  gatehouse_pid=$!
  pids+=("$gatehouse_pid")
  for _ in $(seq 100); do
    curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && return
    sleep 0.1
  done
  echo "Gatehouse did not start:" >&2; cat "$work/gatehouse-$port.log" >&2; exit 1
}

start_peer() { # port [env...] -> prints the pid (the gunicorn master; its workers are children)
  local port=$1; shift
  env "$@" PEER_VENV="$peer_venv" "$peer_dir/run" "$port" "$work/peer-$port.sqlite3" 2>>"$work/peer.log"
}

forget() { # pid: no longer ours to stop (it has ended), so the trap never signals a reused pid
  local kept=() pid
  for pid in "${pids[@]}"; do [ "$pid" = "$1" ] || kept+=("$pid"); done
  pids=("${kept[@]}")
}

stop() { # pid label: records its peak RSS (with its workers') as label, then stops it
  local pid=$1 label=$2
  printf '{"scenario":"rss","server":"%s","kib":%d}\n' "$label" "$(peak_rss "$pid")" >>"$results"
  kill "$pid"
  # The peer's master is not our child (its run script started it), so `wait` cannot see it end.
  wait "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  forget "$pid"
}

peak_rss() { # pid -> VmHWM in KiB of the process plus its children (gunicorn's workers)
  local total=0 pid kib
  for pid in "$1" $(pgrep -P "$1" || true); do
    kib=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)
    total=$((total + ${kib:-0}))
  done
  echo "$total"
}

cpu_ticks() { # pid -> CPU time (clock ticks) used so far by the process and its children
  local total=0 pid
  for pid in "$1" $(pgrep -P "$1" || true); do
    total=$((total + $(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || echo 0)))
  done
  echo "$total"
}

# Waits (up to 30 s) until the server is idle. A server can still be working when wrk stops:
# the peer's sync workers finish every sign-in already queued in the listen backlog (seconds of
# PBKDF2 after a storm), which would otherwise land on the other server's next run.
settle() { # pid
  local before after
  for _ in $(seq 60); do
    before=$(cpu_ticks "$1"); sleep 0.5; after=$(cpu_ticks "$1")
    ((after - before < 5)) && return
  done
}

sessions() { # base-url count file: the benchmark account's sessions (sign-ins are not timed)
  python3 scripts/bench/sessions.py "$1" "$email" "$password" "$2" "$3"
}

wrk_run() { # server db scenario script threads connections [wrk args...]
  local server=$1 db=$2 scenario=$3 script=$4 threads=$5 connections=$6; shift 6
  BENCH_LABEL="\"scenario\":\"$scenario\",\"server\":\"$server\",\"db\":\"$db\"" \
    wrk -t "$threads" -c "$connections" -d "${seconds}s" --timeout 10s -s "scripts/bench/$script" \
    "$@" >>"$work/wrk.log" 2>&1
}

pid_of() { # server -> its pid
  case $1 in
    gatehouse) echo "$gatehouse_pid" ;;
    gatehouse-redis) echo "$gatehouse_redis_pid" ;;
    *) echo "$peer_pid" ;;
  esac
}

base_of() { # server -> its URL
  case $1 in
    gatehouse) echo "http://127.0.0.1:$gatehouse_port" ;;
    gatehouse-redis) echo "http://127.0.0.1:$gatehouse_redis_port" ;;
    peer) echo "http://127.0.0.1:$peer_port" ;;
    peer-argon2) echo "http://127.0.0.1:$peer_argon2_port" ;;
  esac
}

# One scenario on one server. Sessions for rotation are fresh each run: a rotation cut off
# at the end of a run leaves wrk holding a token the server has already replaced.
scenario() { # name server db
  local name=$1 server=$2 db=$3 base; base=$(base_of "$2")
  export BENCH_EMAIL=$email BENCH_PASSWORD=$password BENCH_SESSIONS="$work/$server-$db-me"
  case $name in
    me)
      wrk_run "$server" "$db" me me.lua 1 "$me_connections" "$base" ;;
    refresh)
      BENCH_SESSIONS="$work/$server-$db-refresh"
      sessions "$base" "$refresh_connections" "$BENCH_SESSIONS"
      wrk_run "$server" "$db" refresh refresh.lua "$refresh_connections" "$refresh_connections" "$base" ;;
    paced)
      BENCH_SESSIONS="$work/$server-$db-paced"
      sessions "$base" "$refresh_connections" "$BENCH_SESSIONS"
      BENCH_DELAY_MS=$refresh_pace_ms wrk_run "$server" "$db" paced refresh.lua \
        "$refresh_connections" "$refresh_connections" "$base" ;;
    login)
      wrk_run "$server" "$db" login login.lua 1 "$login_connections" "$base" ;;
    mixed)
      # The storm outlasts the probe by a second on each side.
      local storm_seconds=$((seconds + 2))
      BENCH_LABEL="\"scenario\":\"storm\",\"server\":\"$server\",\"db\":\"$db\"" \
        wrk -t 1 -c "$storm_connections" -d "${storm_seconds}s" --timeout 10s -s scripts/bench/login.lua \
        "$base" >>"$work/wrk.log" 2>&1 &
      local storm=$!
      pids+=("$storm")
      sleep 1
      BENCH_DELAY_MS=$probe_delay_ms wrk_run "$server" "$db" mixed me.lua 1 "$probe_connections" "$base"
      wait "$storm"
      forget "$storm" ;;
  esac
}

# Each round runs every scenario on both servers, the one going first changing every round.
# The two servers are Gatehouse and the peer unless $pair names others.
alternate() { # db scenario...
  local db=$1 first second; shift
  read -r first second <<<"${pair:-gatehouse peer}"
  for round in $(seq "$rounds"); do
    for name in "$@"; do
      if ((round % 2)); then order=("$first" "$second"); else order=("$second" "$first"); fi
      for server in "${order[@]}"; do
        echo "   round $round: $name on $server ($db)"
        scenario "$name" "$server" "$db"
        settle "$(pid_of "$server")"
      done
    done
  done
}

uptime >"$out/load-before"
pgrep -c 'rustc|cc1' >"$out/compilers-before" || true

# The rate limits in Redis (REDIS_URL), against the same build with the limits off, side by
# side on SQLite, alternating: what the shared limiter costs refresh (throughput, and the tail
# when paced) and sign-in. Budgets of a million a second, which the load never spends, so every
# request runs the whole check (one EVALSHA) and none is refused; keys under a prefix of this
# run's own, which expire by themselves. A check that times out falls back to the memory: the
# log's fallbacks are counted, so a run where Redis was not actually asked is seen as one.
redis_limits() {
  step "Rate limits in Redis: refresh, paced refresh, login (SQLite)"
  start_gatehouse "sqlite://$work/gatehouse-off.sqlite3"
  local off_pid=$gatehouse_pid
  start_gatehouse "sqlite://$work/gatehouse-redis.sqlite3" "$gatehouse_redis_port" \
    RATE_LIMIT_ENABLED=true RATE_LIMIT_PER_IP=1000000/s RATE_LIMIT_PER_ACCOUNT=1000000/s \
    REDIS_URL="$redis_url" REDIS_KEY_PREFIX="gatehouse-bench-$$" REDIS_TIMEOUT_MS="$redis_timeout_ms"
  gatehouse_redis_pid=$gatehouse_pid
  gatehouse_pid=$off_pid
  curl -fsS "$(base_of gatehouse-redis)/metrics" | grep -q 'gatehouse_rate_limit_backend{backend="redis"} 1' || {
    echo "the Redis limiter is not in use (is Redis at $redis_url?)" >&2; exit 1; }
  sessions "$(base_of gatehouse)" 2 "$work/gatehouse-redis-limits-me"
  sessions "$(base_of gatehouse-redis)" 2 "$work/gatehouse-redis-redis-limits-me"
  pair="gatehouse gatehouse-redis" alternate redis-limits refresh paced login
  printf '{"scenario":"redis-fallbacks","server":"gatehouse-redis","count":%d}\n' \
    "$(grep -c 'Redis does not answer' "$work/gatehouse-$gatehouse_redis_port.log" || true)" >>"$results"
  stop "$gatehouse_pid" gatehouse-redis-limits-off
  stop "$gatehouse_redis_pid" gatehouse-redis-limits-redis
}

if [ "${BENCH_ONLY:-}" = redis ]; then
  redis_limits
  python3 scripts/bench/report.py --redis "$results" "$out/redis.md" "redis_timeout_ms=$redis_timeout_ms"
  exit
fi

step "SQLite: me, refresh, login, mixed"
start_gatehouse "sqlite://$work/gatehouse.sqlite3"
peer_pid=$(start_peer "$peer_port")
pids+=("$peer_pid")
sessions "$(base_of gatehouse)" 2 "$work/gatehouse-sqlite-me"
sessions "$(base_of peer)" 2 "$work/peer-sqlite-me"
alternate sqlite me refresh login mixed
# The paced refresh is Gatehouse's alone: the peer's ~100 rotations/s saturate long before.
for round in $(seq "$rounds"); do
  scenario paced gatehouse sqlite
  settle "$gatehouse_pid"
done
stop "$gatehouse_pid" gatehouse-sqlite
stop "$peer_pid" peer-sqlite

# Django's Argon2 hasher (argon2-cffi's defaults), for a like-for-like sign-in figure.
step "Sign-ins with the peer on Argon2"
peer_pid=$(start_peer "$peer_argon2_port" PEER_ARGON2=1)
pids+=("$peer_pid")
sessions "$(base_of peer-argon2)" 1 "$work/peer-argon2-sqlite-me"
for round in $(seq "$rounds"); do
  scenario login peer-argon2 sqlite
  settle "$peer_pid"
done
stop "$peer_pid" peer-argon2

step "PostgreSQL: refresh, me"
gatehouse_db="gatehouse_bench_$$" peer_db="peer_bench_$$"
new_database "$gatehouse_db"
new_database "$peer_db"
start_gatehouse "${pg_admin%/*}/$gatehouse_db"
peer_pid=$(start_peer "$peer_port" PEER_PG="$peer_db")
pids+=("$peer_pid")
sessions "$(base_of gatehouse)" 2 "$work/gatehouse-postgres-me"
sessions "$(base_of peer)" 2 "$work/peer-postgres-me"
alternate postgres refresh me
for round in $(seq "$rounds"); do
  scenario paced gatehouse postgres
  settle "$gatehouse_pid"
done
stop "$gatehouse_pid" gatehouse-postgres
stop "$peer_pid" peer-postgres

redis_limits

uptime >"$out/load-after"
pgrep -c 'rustc|cc1' >"$out/compilers-after" || true

# Sizing (Gatehouse alone, SQLite): requests per vCPU, memory and throughput as stored sessions
# grow to 1M (scripts/bench/sizing.sh; SIZING_SECONDS per run, 5 by default). Its lines join
# $BENCH_JSON, and report.py renders them under the main table.
step "Sizing: per vCPU, and 1k → 1M stored sessions"
BENCH_JSON="$results" scripts/bench/sizing.sh
iterations=$("$peer_venv/bin/python" -c \
  'from django.contrib.auth.hashers import PBKDF2PasswordHasher as H; print(H.iterations)')
python3 scripts/bench/report.py "$results" "$out/results.md" \
  "seconds=$seconds" "rounds=$rounds" "me_connections=$me_connections" \
  "refresh_connections=$refresh_connections" "refresh_pace_ms=$refresh_pace_ms" \
  "login_connections=$login_connections" \
  "storm_connections=$storm_connections" "probe_connections=$probe_connections" \
  "probe_delay_ms=$probe_delay_ms" "pbkdf2_iterations=$iterations" "redis_timeout_ms=$redis_timeout_ms"

#!/usr/bin/env bash
# Gatehouse's sizing figures, in the form operators size with (Keycloak: "1 vCPU per 15 password
# logins/s"): requests per CPU-second of the server process for sign-in, refresh and
# GET /api/user/, resident memory at 1k / 10k / 100k / 1M stored sessions and with 100k
# revoked-but-unexpired sessions held in memory, and refresh and GET /api/user/ at each size
# (how cost grows with data). SQLite, the default backend. See the README's Benchmarks section.
#
# Run by scripts/bench.sh (`make bench`) after its scenarios, appending to its $BENCH_JSON; or
# alone, with a release build present (cargo build --release -p server --bin server --locked):
#   scripts/bench/sizing.sh    -> target/bench/sizing.jsonl and the table in target/bench/sizing.md
# Knobs: SIZING_SECONDS (per run, default 5), SIZING_SIZES (default "1000 10000 100000 1000000"),
# SIZING_REVOKED (default 100000; 0 skips), SIZING_PORT (default 3310).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
seconds=${SIZING_SECONDS:-5}
sizes=${SIZING_SIZES:-"1000 10000 100000 1000000"}
revoked=${SIZING_REVOKED:-100000}
port=${SIZING_PORT:-3310}
base="http://127.0.0.1:$port"
server=target/release/server
# The connections of scripts/bench.sh's scenarios, so the figures compare with its table.
me_connections=64
refresh_connections=16
login_connections=4
# Sessions the spread refresh rotates (sizing_refresh.lua), from all over the table.
spread_sessions=512
email=bench@example.com
password=bench-load-password-1
hz=$(getconf CLK_TCK)

out=target/bench
mkdir -p "$out"
standalone=0
if [ -z "${BENCH_JSON:-}" ]; then
  standalone=1
  BENCH_JSON="$out/sizing.jsonl"
  : >"$BENCH_JSON"
fi
results=$BENCH_JSON
work=$(mktemp -d)
export BENCH_LUA="$root/scripts/bench" BENCH_EMAIL=$email BENCH_PASSWORD=$password
step() { printf '\033[1m==> %s\033[0m\n' "$*"; }

[ -x "$server" ] || { echo "no $server: cargo build --release -p server --bin server --locked" >&2; exit 1; }
command -v wrk >/dev/null 2>&1 || "$root/scripts/apt-install.sh" wrk

# Every process this script starts, by pid, so the trap stops exactly those, also on failure.
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  cp "$work/sizing-gatehouse.log" "$work/sizing-wrk.log" "$out/" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# One secret for the whole run, so tokens signed by sizing.py verify on every start.
secret=$("$server" generate-secret | cut -d= -f2-)
started=$(date +%s)
machine() { # the 1-minute load average and how many compilers run: how quiet the machine was
  printf '"load%s":%s,"compilers%s":%d' "$1" "$(cut -d' ' -f1 /proc/loadavg)" "$1" \
    "$(pgrep -c 'rustc|cc1' || true)"
}
machine_before=$(machine _before)

serve() { # sqlite-file -> sets pid and ready_s (seconds from exec to /readyz answering)
  local t0; t0=$(date +%s%N)
  # RATE_LIMIT_ENABLED=false: a load test is one client hammering, exactly what limits stop.
  DATABASE_URL="sqlite://$1" LEPTOS_SITE_ADDR="127.0.0.1:$port" LEPTOS_OUTPUT_NAME=gatehouse \
    RATE_LIMIT_ENABLED=false JWT_SECRET_KEY="$secret" RUST_LOG=warn \
    "$server" >>"$work/sizing-gatehouse.log" 2>&1 &
  pid=$!
  pids+=("$pid")
  for _ in $(seq 600); do
    if curl -fsS "$base/readyz" >/dev/null 2>&1; then
      ready_s=$(awk -v ns=$(($(date +%s%N) - t0)) 'BEGIN { printf "%.2f", ns / 1e9 }')
      return
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  echo "Gatehouse did not start:" >&2; cat "$work/sizing-gatehouse.log" >&2; exit 1
}

halt() { # stops the server started last, waiting until it has gone (and closed the file)
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  local kept=() p
  for p in "${pids[@]}"; do [ "$p" = "$pid" ] || kept+=("$p"); done
  pids=("${kept[@]}")
}

cpu_ticks() { # CPU time (clock ticks, every thread's) the server has used so far
  awk '{ print $14 + $15 }' "/proc/$pid/stat"
}

status_kib() { # field (VmRSS, VmHWM) of the server, in KiB
  awk -v field="$1:" '$1 == field { print $2 }' "/proc/$pid/status"
}

settle() { # waits (up to 15 s) until the server is idle: start-up jobs, a run's tail
  local before after
  for _ in $(seq 30); do
    before=$(cpu_ticks); sleep 0.5; after=$(cpu_ticks)
    ((after - before < 3)) && return
  done
}

sign_in() { # count file: the benchmark account's sessions (sign-ins not timed)
  python3 scripts/bench/sessions.py "$base" "$email" "$password" "$1" "$2"
}

# One wrk run: its JSON line (common.lua) gains the server's CPU seconds over the run.
load() { # label-json script threads connections sessions-file
  local label=$1 script=$2 threads=$3 connections=$4 before after
  settle
  before=$(cpu_ticks)
  BENCH_SESSIONS=$5 BENCH_THREADS=$threads BENCH_JSON="$work/run.json" \
    BENCH_LABEL="\"scenario\":\"sizing\",\"server\":\"gatehouse\",\"db\":\"sqlite\",$label" \
    wrk -t "$threads" -c "$connections" -d "${seconds}s" --timeout 10s -s "scripts/bench/$script" \
    "$base" >>"$work/sizing-wrk.log" 2>&1
  after=$(cpu_ticks)
  sed "s/^{/{\"cpu_s\":$(awk -v t=$((after - before)) -v hz="$hz" 'BEGIN { printf "%.2f", t / hz }'),/" \
    "$work/run.json" >>"$results"
  rm "$work/run.json"
}

memory() { # label-json: the server's memory and start-up, as one JSON line
  printf '{"scenario":"sizing","server":"gatehouse","db":"sqlite","kind":"memory",%s,"idle_kib":%d,"after_kib":%d,"peak_kib":%d,"ready_s":%s,"metrics_ms":%s}\n' \
    "$1" "$idle_kib" "$(status_kib VmRSS)" "$(status_kib VmHWM)" "$ready_s" "$metrics_ms" >>"$results"
}

metrics_ms() { # one GET /metrics (its live-sessions gauge counts the table), in ms
  curl -fsS -o /dev/null -w '%{time_total}' "$base/metrics" | awk '{ printf "%.2f", $1 * 1000 }'
}

# 1. Requests per CPU-second, each load alone on a fresh database, as bench.sh runs them.
step "sizing: requests per CPU-second (login, refresh, me; ${seconds} s each)"
serve "$work/vcpu.sqlite3"
sign_in 2 "$work/me"
sign_in "$refresh_connections" "$work/refresh"
load '"kind":"vcpu","load":"login"' login.lua 1 "$login_connections" "$work/me"
load '"kind":"vcpu","load":"refresh"' refresh.lua "$refresh_connections" "$refresh_connections" "$work/refresh"
load '"kind":"vcpu","load":"me"' me.lua 1 "$me_connections" "$work/me"
halt

# 2. Stored sessions: the table grows from one size to the next (filled with the server
#    stopped), then the server starts on it; refreshes rotate sessions from all over the table.
db="$work/sizing.sqlite3"
DATABASE_URL="sqlite://$db" LEPTOS_OUTPUT_NAME=gatehouse RUST_LOG=warn "$server" migrate \
  >>"$work/sizing-gatehouse.log" 2>&1

measure() { # sessions revoked-sessions: start, idle RSS, the loads, RSS after, stop
  local size=$1 gone=$2 label
  label="\"sessions\":$size,\"revoked\":$gone"
  serve "$db"
  settle
  idle_kib=$(status_kib VmRSS)
  sign_in 2 "$work/me"
  if [ "$gone" = 0 ]; then
    python3 scripts/bench/sizing.py tokens "$db" "$secret" "$spread_sessions" "$work/spread"
    load "\"kind\":\"load\",\"load\":\"refresh\",$label" sizing_refresh.lua \
      "$refresh_connections" "$refresh_connections" "$work/spread"
  fi
  load "\"kind\":\"load\",\"load\":\"me\",$label" me.lua 1 "$me_connections" "$work/me"
  settle
  metrics_ms=$(metrics_ms)
  memory "$label"
  halt
}

for size in $sizes; do
  step "sizing: $size stored sessions"
  t0=$(date +%s)
  python3 scripts/bench/sizing.py fill "$db" "$size"
  echo "   filled in $(($(date +%s) - t0)) s"
  measure "$size" 0
  if [ "$size" = "$revoked" ]; then
    step "sizing: the same $size sessions, revoked a minute ago (held in memory)"
    python3 scripts/bench/sizing.py revoke "$db"
    measure "$size" "$size"
    python3 scripts/bench/sizing.py unrevoke "$db"
  fi
done

printf '{"scenario":"sizing-run","server":"gatehouse","seconds":%d,"runtime_s":%d,%s,%s}\n' \
  "$seconds" "$(($(date +%s) - started))" "$machine_before" "$(machine _after)" >>"$results"
if [ "$standalone" = 1 ]; then
  python3 scripts/bench/report.py --sizing "$results" "$out/sizing.md"
fi

#!/usr/bin/env bash
# Gatehouse's benchmarks (not part of `make test`): a release build on loopback, driven by
# server/examples/load.rs. Refresh (token rotation) on SQLite and on PostgreSQL, and
# GET /api/user/, each for BENCH_SECONDS with BENCH_USERS concurrent sessions. Prints a table
# and writes it to target/bench/results.md.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# npm's binaryen wasm-opt (scripts/setup.sh) must come first: cargo-leptos runs it for release builds.
export PATH="$root/.tools/node_modules/.bin:$PATH"
seconds=${BENCH_SECONDS:-10}
users=${BENCH_USERS:-32}
port=${BENCH_PORT:-3300}
pg_admin=${BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}
out=target/bench
mkdir -p "$out"
results="$out/results.jsonl"
: > "$results"

# The release site (server + wasm bundle, as deployed), then the load driver.
cargo leptos build --release
cargo build --release --locked -p server --example load
server=target/release/server
load=target/release/examples/load
work=$(mktemp -d)
pg_db="gatehouse_bench_$$"
server_pid=""

cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  psql "$pg_admin" -qc "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

start_server() { # DATABASE_URL
  DATABASE_URL="$1" LEPTOS_SITE_ADDR="127.0.0.1:$port" JWT_SECRET_KEY="$("$server" generate-secret | cut -d= -f2-)" \
    DEV_SECRET_FILE="$work/secret" RUST_LOG=warn "$server" >"$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 100); do
    curl -fsS "http://127.0.0.1:$port/login" >/dev/null 2>&1 && return
    sleep 0.1
  done
  echo "the server did not start:" >&2; cat "$work/server.log" >&2; exit 1
}

stop_server() {
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
}

drive() { # scenario label
  "$load" --base "http://127.0.0.1:$port" --scenario "$1" --users "$users" --seconds "$seconds" --label "$2" | tee -a "$results"
}

echo "== SQLite"
start_server "sqlite://$work/bench.sqlite3"
drive refresh sqlite
drive me sqlite
stop_server

echo "== PostgreSQL"
psql "$pg_admin" -qc "CREATE DATABASE $pg_db" >/dev/null
start_server "${pg_admin%/*}/$pg_db"
drive refresh postgres
drive me postgres
stop_server

python3 - "$results" "$out/results.md" "$seconds" "$users" <<'PY'
import gzip, json, subprocess, sys, datetime, platform
rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
bundle = {name: open(f"target/site/pkg/gatehouse.{name}", "rb").read() for name in ("wasm", "js")}
raw = sum(len(data) for data in bundle.values())
zipped = sum(len(gzip.compress(data, 9)) for data in bundle.values())
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.machine())
cores = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
lines = [
    f"Gatehouse benchmarks, {datetime.date.today()}, {cores} cores ({cpu}); "
    f"{sys.argv[4]} concurrent sessions, {sys.argv[3]} s per run, release build on loopback.",
    "",
    "| scenario | backend | requests/s | p50 ms | p99 ms | errors |",
    "|---|---|---:|---:|---:|---:|",
]
names = {"refresh": "refresh (rotation)", "me": "GET /api/user/"}
for r in rows:
    lines.append(f"| {names.get(r['scenario'], r['scenario'])} | {r['label']} | {r['per_second']:.0f} | {r['p50_ms']} | {r['p99_ms']} | {r['errors']} |")
lines += [
    "",
    f"Browser bundle (release, wasm-opt -Oz): wasm + JS {raw / 1024:.0f} KiB raw, "
    f"{zipped / 1024:.1f} KiB gzip (budget 250 KiB gzip).",
]
table = "\n".join(lines)
open(sys.argv[2], "w").write(table + "\n")
print("\n" + table)
PY

#!/usr/bin/env bash
# The API contract check: schemathesis (installed by scripts/setup.sh into .tools/venv) reads
# GET /api/openapi.json from a freshly started debug server and sends what the document allows
# and what it forbids, then checks every answer against the document (`--checks all`: status
# codes, bodies, headers, content types, that valid bodies are accepted and invalid ones refused,
# that secured operations refuse requests without credentials). Any finding fails the run.
#
# Every phase but stateful runs, with a fixed seed (CONTRACT_SEED) and at most
# CONTRACT_MAX_EXAMPLES examples per operation, so a run is repeatable and takes about a minute.
# The server gets a database of its own, a fixed secret, a day-long access-token lifetime and
# its own port. Rate limits stay on, with a budget this run does not reach: a 429 would be
# accepted by schemathesis if documented, but throttled sign-ins would also starve its own
# sign-in (scripts/schemathesis.toml), so the 429s are checked against the document by the API
# suite instead (server/tests/api/openapi.rs). Reports (JUnit, NDJSON) go to
# target/contract/report/, the server's log to target/contract/server.log.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

addr=127.0.0.1:3200
base="http://$addr"
workdir="$root/target/contract"
schemathesis="$root/.tools/venv/bin/schemathesis"
seed=${CONTRACT_SEED:-20261201}
max_examples=${CONTRACT_MAX_EXAMPLES:-40}

if [ ! -x "$schemathesis" ]; then
  echo "schemathesis is missing: run scripts/setup.sh" >&2
  exit 1
fi

# shellcheck source=scripts/debug_server.sh
. "$root/scripts/debug_server.sh"
prepare_debug_server

env LEPTOS_OUTPUT_NAME=gatehouse \
  LEPTOS_SITE_ADDR="$addr" \
  DATABASE_URL="sqlite://$workdir/contract.sqlite3" \
  JWT_SECRET_KEY=contract-check-secret-0123456789-abcdefghijklmnop \
  JWT_ACCESS_TOKEN_LIFETIME=1d \
  RATE_LIMIT_ENABLED=true \
  RATE_LIMIT_PER_IP=600/min \
  RATE_LIMIT_PER_ACCOUNT=600/min \
  DEV_SECRET_FILE="$workdir/dev-secret" \
  RUST_LOG=warn \
  target/debug/server >"$workdir/server.log" 2>&1 &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true' EXIT
wait_until_healthy "$server_pid" "$workdir/server.log"

# The account whose access tokens authorize the secured operations (schemathesis signs in
# with it, and again whenever the run has ended the session it was using: see
# scripts/schemathesis.toml).
export CONTRACT_EMAIL=contract@example.com CONTRACT_PASSWORD=Quiet-Harbor-Lantern-93
curl -fsS -o /dev/null "$base/api/register/" -H 'Content-Type: application/json' \
  -d "{\"email\": \"$CONTRACT_EMAIL\", \"username\": \"contract\", \"password\": \"$CONTRACT_PASSWORD\", \"password2\": \"$CONTRACT_PASSWORD\"}"

# Staff, so the /api/admin/ operations are exercised too (staff status is read from the
# database on each request, so the running server sees it at once).
DATABASE_URL="sqlite://$workdir/contract.sqlite3" \
  JWT_SECRET_KEY=contract-check-secret-0123456789-abcdefghijklmnop \
  DEV_SECRET_FILE="$workdir/dev-secret" RUST_LOG=warn \
  target/debug/server users grant-staff "$CONTRACT_EMAIL" >/dev/null

started=$(date +%s)
status=0
"$schemathesis" --config-file "$root/scripts/schemathesis.toml" run "$base/api/openapi.json" \
  --url "$base" \
  --checks all \
  --phases examples,coverage,fuzzing \
  --seed "$seed" \
  --max-examples "$max_examples" \
  --generation-database none \
  --report junit,ndjson \
  --report-dir "$workdir/report" \
  --no-color || status=$?
echo "schemathesis: exit $status after $(($(date +%s) - started)) s (server log: target/contract/server.log)"
exit "$status"

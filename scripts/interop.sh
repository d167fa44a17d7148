#!/usr/bin/env bash
# The JWKS interop check (`make interop`, part of `make test`): other services verify Gatehouse's
# tokens with stock libraries and nothing but the JWKS URL. For each asymmetric algorithm (EdDSA,
# ES256, RS256) a debug server signs with a key from `server generate-key`; Node `jose`
# (createRemoteJWKSet + jwtVerify, from end2end/node_modules) and PyJWT (PyJWKClient, from
# .tools/venv) must both accept its access token, and both refuse the same token with a swapped
# `alg`, with an unknown `kid`, when they expect another issuer or another audience, and once
# the server signs with a new key and no longer lists the old one. scripts/setup.sh installs
# both libraries. Logs go to target/interop/.
#
# GATEHOUSE_TOOLS points at another tools directory than .tools (its venv/bin/python is used).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

tools=${GATEHOUSE_TOOLS:-$root/.tools}
python="$tools/venv/bin/python"
addr=127.0.0.1:3300
base="http://$addr"
workdir="$root/target/interop"
issuer=https://gatehouse.interop.example
audience=interop-services
password=Quiet-Harbor-Lantern-93

if ! "$python" -c "import jwt, cryptography" 2>/dev/null; then
  echo "PyJWT is missing from $tools/venv: run scripts/setup.sh" >&2
  exit 1
fi
if [ ! -d end2end/node_modules/jose ]; then
  echo "jose is missing from end2end/node_modules: run scripts/setup.sh" >&2
  exit 1
fi

# shellcheck source=scripts/debug_server.sh
. "$root/scripts/debug_server.sh"
prepare_debug_server

server_pid=
stop_server() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=
  fi
}
trap stop_server EXIT

# start_server ALGORITHM KEY_FILE LOG: a server on $addr signing with KEY_FILE, on one database.
start_server() {
  env LEPTOS_OUTPUT_NAME=gatehouse \
    LEPTOS_SITE_ADDR="$addr" \
    DATABASE_URL="sqlite://$workdir/interop.sqlite3" \
    JWT_SECRET_KEY=interop-check-secret-0123456789-abcdefghijklmnop \
    JWT_ALGORITHM="$1" \
    JWT_PRIVATE_KEY_FILE="$2" \
    JWT_ISSUER="$issuer" \
    JWT_AUDIENCE="$audience" \
    RATE_LIMIT_ENABLED=false \
    DEV_SECRET_FILE="$workdir/dev-secret" \
    RUST_LOG=warn \
    target/debug/server >"$workdir/$3.log" 2>&1 &
  server_pid=$!
  wait_until_healthy "$server_pid" "$workdir/$3.log"
}

# access_token PATH BODY: the access token of a sign-in or registration answer.
access_token() {
  curl -fsS "$base/api/$1/" -H 'Content-Type: application/json' -d "$2" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["tokens"]["access"])'
}

failures=0
# expect accepted|refused CASE TOKEN [ISSUER] [AUDIENCE]: both libraries must agree with it.
expect() {
  local want=$1 case=$2 token=$3 iss=${4:-$issuer} aud=${5:-$audience}
  local jose pyjwt
  jose=$(node scripts/interop/verify.mjs "$base/.well-known/jwks.json" "$iss" "$aud" "$token")
  pyjwt=$("$python" scripts/interop/verify.py "$base/.well-known/jwks.json" "$iss" "$aud" "$token")
  for result in "jose:$jose" "PyJWT:$pyjwt"; do
    if [[ "${result#*:}" == "$want"* ]]; then
      echo "  ok    $case: ${result%%:*} ${result#*:}"
    else
      echo "  FAIL  $case: ${result%%:*} ${result#*:} (expected $want)"
      failures=$((failures + 1))
    fi
  done
}

for algorithm in EdDSA ES256 RS256; do
  echo "== $algorithm"
  target/debug/server generate-key --algorithm "$algorithm" >"$workdir/$algorithm-old.pem"
  target/debug/server generate-key --algorithm "$algorithm" >"$workdir/$algorithm-new.pem"
  email="$(echo "$algorithm" | tr 'A-Z' 'a-z')@example.com"

  start_server "$algorithm" "$workdir/$algorithm-old.pem" "$algorithm-old"
  old=$(access_token register "{\"email\": \"$email\", \"username\": \"${email%@*}\", \"password\": \"$password\", \"password2\": \"$password\"}")
  swapped=$([ "$algorithm" = ES256 ] && echo EdDSA || echo ES256)
  expect accepted "a token of the current key" "$old"
  expect refused "alg swapped to $swapped" "$(python3 scripts/interop/tamper.py "$old" alg "$swapped")"
  expect refused "alg swapped to HS256" "$(python3 scripts/interop/tamper.py "$old" alg HS256)"
  expect refused "an unknown kid" "$(python3 scripts/interop/tamper.py "$old" kid unknown-key)"
  expect refused "another issuer expected" "$old" https://elsewhere.example
  expect refused "another audience expected" "$old" "$issuer" other-services
  stop_server

  # The key rotated without listing the old public key: its tokens are refused everywhere.
  start_server "$algorithm" "$workdir/$algorithm-new.pem" "$algorithm-new"
  new=$(access_token login "{\"email\": \"$email\", \"password\": \"$password\"}")
  expect accepted "a token of the new key" "$new"
  expect refused "a token of the removed key" "$old"
  stop_server
done

if [ "$failures" -ne 0 ]; then
  echo "interop: $failures failures (server logs in target/interop/)" >&2
  exit 1
fi
echo "interop: jose and PyJWT agree with Gatehouse for EdDSA, ES256 and RS256"

# Shared by the checks that start a debug server of their own (contract.sh, interop.sh); sourced,
# after `set -euo pipefail`, with $addr (host:port), $base (http://$addr) and $workdir set.

# Builds the debug server, empties $workdir, and refuses to go on if $addr is taken.
prepare_debug_server() {
  cargo build -p server --bin server --locked
  rm -rf "$workdir"
  mkdir -p "$workdir"
  if curl -fsS -o /dev/null "$base/healthz" 2>/dev/null; then
    echo "something already answers on $addr; stop it first" >&2
    exit 1
  fi
}

# wait_until_healthy PID LOG: waits (10 s at most) for the server PID to answer /healthz; if it
# exits first, shows its LOG and fails.
wait_until_healthy() {
  for _ in $(seq 1 100); do
    if curl -fsS -o /dev/null "$base/healthz" 2>/dev/null; then
      return
    fi
    if ! kill -0 "$1" 2>/dev/null; then
      echo "the server exited; its log:" >&2
      cat "$2" >&2
      exit 1
    fi
    sleep 0.1
  done
  echo "the server did not answer on $addr" >&2
  exit 1
}

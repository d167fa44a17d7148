#!/usr/bin/env bash
# Installs everything Gatehouse needs to build and test, skipping what is already there, so a
# second run takes seconds. Nothing is fetched from GitHub: every tool comes from a registry
# (crates.io, npm, PyPI, Debian) or from rustup. See ../shared/TOOLCHAIN.md for why each step is so.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
tools="$root/.tools"

step() { printf '\033[1m==> %s\033[0m\n' "$*"; }

leptos_version=0.3.11
binaryen_version=132
schemathesis_version=4.32.5
# The CLI must match the wasm-bindgen crate in Cargo.lock exactly (the schema versions must agree).
bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)

# 1. The pinned compiler and the wasm target (rust-toolchain.toml names both).
if ! rustup target list --installed --toolchain 1.95.0 2>/dev/null | grep -q wasm32-unknown-unknown; then
  step "Rust 1.95.0 with the wasm32 target"
  rustup toolchain install 1.95.0 --profile minimal --component rustfmt,clippy --target wasm32-unknown-unknown
fi

# 2. cargo-leptos. Its dependencies need rustc >= 1.96 to *build*, so it is built with the
#    machine's nightly, or with 1.96.0 from rustup where there is no nightly.
if ! cargo leptos --version 2>/dev/null | grep -q "$leptos_version"; then
  builder=nightly
  if ! rustup toolchain list | grep -q '^nightly'; then
    builder=1.96.0
    rustup toolchain install "$builder" --profile minimal
  fi
  step "cargo-leptos $leptos_version (built with $builder, ~16 min once per machine)"
  (cd / && cargo "+$builder" install cargo-leptos --version "$leptos_version" --locked)
fi

# 3. wasm-bindgen CLI, same version as Cargo.lock (no --locked: its lockfile names a crate
#    version the registry lacks).
if ! wasm-bindgen --version 2>/dev/null | grep -q "$bindgen_version"; then
  step "wasm-bindgen-cli $bindgen_version"
  cargo install wasm-bindgen-cli --version "$bindgen_version" --force
fi

# 4. wasm-opt from npm's binaryen. Debian's binaryen (108) emits a wasm that fails to hydrate.
if [ ! -x "$tools/node_modules/.bin/wasm-opt" ] \
  || ! "$tools/node_modules/.bin/wasm-opt" --version 2>/dev/null | grep -q "version $binaryen_version"; then
  step "wasm-opt (npm binaryen@$binaryen_version) into .tools/"
  mkdir -p "$tools"
  npm install --silent --no-audit --no-fund --prefix "$tools" "binaryen@$binaryen_version"
fi

# 5. A browser for the end-to-end tests, from Debian (Playwright cannot download its own here).
if ! command -v chromium >/dev/null 2>&1; then
  step "Debian chromium"
  "$root/scripts/apt-install.sh" chromium
fi

# 5b. redis-server for the test that stops and restarts a Redis of its own (the shared rate
#     limits, server/tests/api/shared_limits.rs); the other Redis tests use 127.0.0.1:6379.
if ! command -v redis-server >/dev/null 2>&1; then
  step "Debian redis-server"
  "$root/scripts/apt-install.sh" redis-server
fi

# 6. Playwright, without its browser download, and Node jose for the JWKS interop check
#    (scripts/interop.sh); both pinned by end2end/package-lock.json.
if [ ! -d end2end/node_modules/@playwright/test ] || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
  step "Playwright (npm ci in end2end/)"
  (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --silent --no-audit --no-fund)
fi

# 7. schemathesis from PyPI for the API contract check (`make contract`), PyJWT for the JWKS
#    interop check (`make interop`), and aiosmtpd for the SMTP sink the mail tests deliver to
#    (scripts/smtp_sink.py), in a venv of their own under .tools/ (git-ignored), so nothing is
#    installed into the machine's Python.
if ! "$tools/venv/bin/schemathesis" --version 2>/dev/null | grep -qx "schemathesis, version $schemathesis_version"; then
  step "schemathesis $schemathesis_version (pip, into .tools/venv)"
  [ -x "$tools/venv/bin/python" ] || python3 -m venv "$tools/venv"
  "$tools/venv/bin/python" -m pip install --quiet --disable-pip-version-check "schemathesis==$schemathesis_version"
fi
pyjwt_version=2.10.1
if ! "$tools/venv/bin/python" -c "import jwt, cryptography, sys; sys.exit(jwt.__version__ != '$pyjwt_version')" 2>/dev/null; then
  step "PyJWT $pyjwt_version with cryptography (pip, into .tools/venv)"
  [ -x "$tools/venv/bin/python" ] || python3 -m venv "$tools/venv"
  "$tools/venv/bin/python" -m pip install --quiet --disable-pip-version-check "pyjwt[crypto]==$pyjwt_version"
fi
aiosmtpd_version=1.4.6
if ! "$tools/venv/bin/python" -c "import aiosmtpd, sys; sys.exit(aiosmtpd.__version__ != '$aiosmtpd_version')" 2>/dev/null; then
  step "aiosmtpd $aiosmtpd_version (pip, into .tools/venv)"
  [ -x "$tools/venv/bin/python" ] || python3 -m venv "$tools/venv"
  "$tools/venv/bin/python" -m pip install --quiet --disable-pip-version-check "aiosmtpd==$aiosmtpd_version"
fi

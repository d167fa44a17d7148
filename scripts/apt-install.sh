#!/usr/bin/env bash
# Installs Debian packages (as root, or through sudo): `scripts/apt-install.sh PACKAGE...`.
# Used by setup.sh (chromium, redis-server) and bench.sh (wrk); callers check first whether it is needed.
set -euo pipefail
sudo_if_needed=""
[ "$(id -u)" -eq 0 ] || sudo_if_needed=sudo
$sudo_if_needed apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo_if_needed apt-get install -y -qq "$@" >/dev/null

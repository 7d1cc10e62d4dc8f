#!/usr/bin/env bash
# Install a second real SPARQL server for the remote-store tests: Virtuoso Open Source, from Debian.
# The tests start it themselves on a loopback port and skip, saying why, when it is absent.
set -euo pipefail
if command -v virtuoso-t >/dev/null && command -v isql-vt >/dev/null; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends virtuoso-opensource-7-bin

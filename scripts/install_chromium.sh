#!/usr/bin/env bash
# Debian's headless Chromium for the web UI tests (playwright drives it; it never
# downloads a browser of its own). Idempotent: does nothing when already installed.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver

#!/usr/bin/env bash
# Debian's headless Chromium for the web UI tests (playwright drives it; it never
# downloads a browser of its own). Idempotent: does nothing when already installed.
# `make test` runs this first, so the browser tests run rather than being skipped; where
# it cannot install (not root, no sudo, no apt), it stops with what to do instead.
set -euo pipefail
CHROMIUM="${TOCSIN_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then
  exit 0
fi
fail() {
  echo "install_chromium.sh: $1" >&2
  echo "  The web UI tests need Debian's Chromium at $CHROMIUM. Install it as root:" >&2
  echo "    apt-get install chromium chromium-driver" >&2
  echo "  or, to run the other tests without them: TOCSIN_SKIP_BROWSER=1 make test" >&2
  exit 1
}
if [ -n "${TOCSIN_SKIP_BROWSER:-}" ]; then
  echo "install_chromium.sh: TOCSIN_SKIP_BROWSER is set; the browser tests will be skipped" >&2
  exit 0
fi
command -v apt-get >/dev/null 2>&1 || fail "no apt-get on this machine"
SUDO=""
if [ "$(id -u)" != "0" ]; then
  command -v sudo >/dev/null 2>&1 || fail "not root and no sudo"
  SUDO="sudo"
fi
$SUDO apt-get update -qq || fail "apt-get update failed"
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver \
  || fail "apt-get install chromium failed"
[ -x "$CHROMIUM" ] || fail "apt installed chromium but $CHROMIUM is not there"

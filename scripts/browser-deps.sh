#!/usr/bin/env bash
# Browser tests drive Debian's Chromium through Playwright; install it when we can.
set -euo pipefail
# A Devanagari font too, or Hindi pages render as empty boxes in screenshots.
if command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi "devanagari"; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium fonts-noto-core >/dev/null
else
  echo "chromium is not installed and cannot be installed here: browser tests will be skipped." >&2
fi

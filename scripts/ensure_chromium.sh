#!/usr/bin/env bash
# The browser tests drive Debian's chromium (/usr/bin/chromium or $LEADAPP_CHROMIUM).
# Installs it with apt-get when it is missing and we are root; otherwise stops with one line.
set -euo pipefail
bin="${LEADAPP_CHROMIUM:-/usr/bin/chromium}"
[ -x "$bin" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests (apt-get) ..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
  [ -x "$bin" ] && exit 0
fi
echo "The browser tests need Debian's chromium at $bin: run 'sudo apt-get install chromium' (or set LEADAPP_CHROMIUM) and try again." >&2
exit 1

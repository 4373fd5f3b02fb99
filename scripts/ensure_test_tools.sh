#!/usr/bin/env bash
# The browser tests drive Debian's chromium (/usr/bin/chromium or $LEADAPP_CHROMIUM), and the
# reverse-proxy test runs Debian's caddy in front of the app (deploy/Caddyfile).
# Installs what is missing with apt-get when we are root; chromium is required (otherwise stop
# with one line), caddy optional (its test says it is skipped when caddy cannot be installed).
set -euo pipefail
bin="${LEADAPP_CHROMIUM:-/usr/bin/chromium}"
missing=()
[ -x "$bin" ] || missing+=(chromium)
command -v caddy >/dev/null 2>&1 || missing+=(caddy)
if [ "${#missing[@]}" -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's ${missing[*]} for the browser tests (apt-get) ..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  for pkg in "${missing[@]}"; do
    apt-get install -y -qq "$pkg" >/dev/null || echo "apt-get could not install $pkg"
  done
fi
command -v caddy >/dev/null 2>&1 || echo "caddy is not installed: the reverse-proxy browser test will be skipped ('apt-get install caddy')."
[ -x "$bin" ] && exit 0
echo "The browser tests need Debian's chromium at $bin: run 'sudo apt-get install chromium' (or set LEADAPP_CHROMIUM) and try again." >&2
exit 1

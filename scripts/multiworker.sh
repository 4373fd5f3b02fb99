#!/usr/bin/env bash
# Try the several-workers layout on one machine: leadapp on PostgreSQL + Redis with N backend
# workers behind Caddy (TLS, websocket upgrade, HSTS: deploy/Caddyfile).
#
#   scripts/multiworker.sh [WORKERS]      (default 3; Ctrl-C stops everything it started)
#
# Environment (each worker reads the same):
#   REFLEX_DB_URL     postgresql+psycopg2://postgres@127.0.0.1:5432/leadapp   (created if missing)
#   REFLEX_REDIS_URL  redis://127.0.0.1:6379/5   state, live updates, rate limits across workers
#   REFLEX_LEADAPP_ORIGINS  the public origin(s), e.g. https://crm.example.com
#   LEADAPP_HOST      the name Caddy serves (default localhost, with its internal CA)
#   APP_PORT          the app's port behind the proxy (default 3001)
set -euo pipefail
cd "$(dirname "$0")/.."
WORKERS="${1:-3}"
APP_PORT="${APP_PORT:-3001}"
export REFLEX_DB_URL="${REFLEX_DB_URL:-postgresql+psycopg2://postgres@127.0.0.1:5432/leadapp}"
export REFLEX_REDIS_URL="${REFLEX_REDIS_URL:-redis://127.0.0.1:6379/5}"
export LEADAPP_HOST="${LEADAPP_HOST:-localhost}"
export REFLEX_LEADAPP_ORIGINS="${REFLEX_LEADAPP_ORIGINS:-https://$LEADAPP_HOST}"
export LEADAPP_WORKERS="127.0.0.1:$APP_PORT"
# Caddy on this machine: the app takes the client's address and scheme from its X-Forwarded-*.
export REFLEX_LEADAPP_TRUSTED_PROXIES="${REFLEX_LEADAPP_TRUSTED_PROXIES:-127.0.0.1}"
# Reflex starts its backend workers itself once Redis holds the state; GRANIAN_WORKERS sets N.
export GRANIAN_WORKERS="$WORKERS"
export REFLEX_USE_SYSTEM_BUN=1 PATH="$PWD/.tools/node_modules/.bin:$PATH"

db_name="${REFLEX_DB_URL##*/}"
psql_url="${REFLEX_DB_URL/+psycopg2/}"
if ! psql "${psql_url%/*}/postgres" -Atc "select 1 from pg_database where datname='$db_name'" | grep -q 1; then
  psql "${psql_url%/*}/postgres" -c "CREATE DATABASE \"$db_name\""
fi
.venv/bin/leadapp db upgrade
.venv/bin/leadapp seed --if-empty

pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; wait' EXIT INT TERM
.venv/bin/reflex run --env prod --single-port --backend-port "$APP_PORT" &
pids+=($!)
if command -v caddy >/dev/null; then
  caddy run --config deploy/Caddyfile --adapter caddyfile &
  pids+=($!)
  echo "leadapp: https://$LEADAPP_HOST -> $WORKERS workers on 127.0.0.1:$APP_PORT"
else
  echo "caddy is not installed: the app answers on http://127.0.0.1:$APP_PORT ($WORKERS workers)"
fi
wait

#!/usr/bin/env bash
# Runs schemathesis against the OpenAPI document of a demo server on SQLite, with the admin
# token, so admin writes are exercised too. Every check must pass: no 5xx, every response
# conforms to the documented status codes, content types and schemas, and undocumented methods
# answer 405 with `Allow`.
#
# `positive_data_acceptance` is excluded on purpose: it expects every schema-valid body to be
# accepted, but the catalog has rules no schema states (a category id must exist, a variant's
# option values must be the product's, prices are in the shop's currency, an asset must be
# stored). Those answers are documented 4xx problems, which the other checks still verify.
#
# One worker: with several threads, CPython 3.11's AST parser (which hypothesis calls to describe
# lambdas) can fail with `SystemError: AST constructor recursion depth mismatch`, a race in the
# interpreter, not a finding about our API.
#
#   bash .ci/schemathesis.sh path/to/showroom
set -euo pipefail
BIN=${1:?usage: schemathesis.sh SHOWROOM_BINARY}
PORT=${SCHEMATHESIS_PORT:-18490}
VENV=${SHOWROOM_VENV:-/var/tmp/showroom-venv}
if [ ! -x "$VENV/bin/schemathesis" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "schemathesis==4.32.5"
fi
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
SHOWROOM_LOG_LEVEL=warn SHOWROOM_ADMIN_TOKEN=schemathesis-token SHOWROOM_HTTP__SHUTDOWN_DRAIN_SECS=0 \
  SHOWROOM_DATABASE_URL="sqlite://$work/showroom.db" SHOWROOM_STORAGE_URL="file://$work/objects" \
  SHOWROOM_SHIELD__RATE_LIMIT__GENERAL_BURST=100000 SHOWROOM_SHIELD__RATE_LIMIT__STRICT_BURST=100000 \
  "$BIN" serve --demo --listen "127.0.0.1:$PORT" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 300); do curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break; sleep 0.1; done

status=0
"$VENV/bin/schemathesis" run "http://127.0.0.1:$PORT/api/openapi.json" \
  --checks all \
  --exclude-checks positive_data_acceptance \
  --header "Authorization: Bearer schemathesis-token" \
  --max-examples "${SCHEMATHESIS_EXAMPLES:-25}" \
  --workers 1 \
  --seed 42 \
  || status=$?
if [ "$status" -ne 0 ]; then
  echo "schemathesis failed; server log:"; tail -50 "$work/server.log"
fi
exit "$status"

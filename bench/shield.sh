#!/usr/bin/env bash
# Shield overhead benchmark: builds the release binary, seeds the demo catalog (SQLite,
# in-process cache), then serves it twice — shield on, shield off (`SHOWROOM_SHIELD__ENABLED=false`)
# — and loads cached product detail, `GET /api/v1/products/{slug}`, with wrk at 64 connections.
# With the shield on, every request goes through the whole layer: load-shed slot, client IP,
# rules, the in-process rate limiter (its limit raised so the one benchmarking address is never
# refused) and the security headers. Prints requests/s, p50 and p99 for both and the cost of the
# shield in requests/s. Target: <= 5 %. Figures are printed, never asserted.
#
#   bash bench/shield.sh                 # 10 s per run
#   BENCH_SMOKE=1 bash bench/shield.sh   # 2 s per run (CI)
#   SHOWROOM_BIN=path/to/showroom bash bench/shield.sh   # skip the build
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${BENCH_DURATION:-$([ "${BENCH_SMOKE:-0}" = 1 ] && echo 2 || echo 10)}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
PORT=${BENCH_PORT:-18481}

if ! command -v wrk >/dev/null; then
  echo "installing wrk from Debian…"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk) >/dev/null
fi
if [ -z "${SHOWROOM_BIN:-}" ]; then
  cargo build --release -q -p showroom
  SHOWROOM_BIN="${CARGO_TARGET_DIR:-target}/release/showroom"
fi

work=$(mktemp -d)
server=
trap '[ -n "$server" ] && { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; }; rm -rf "$work"' EXIT

# start_server true|false: the demo shop with the shield on or off.
start_server() {
  SHOWROOM_LOG_LEVEL=warn SHOWROOM_HTTP__SHUTDOWN_DRAIN_SECS=0 \
    SHOWROOM_DATABASE_URL="sqlite://$work/showroom.db" SHOWROOM_STORAGE_URL="file://$work/objects" \
    SHOWROOM_SHIELD__ENABLED="$1" \
    SHOWROOM_SHIELD__RATE_LIMIT__GENERAL_PER_SEC=10000000 \
    SHOWROOM_SHIELD__RATE_LIMIT__GENERAL_BURST=10000000 \
    "$SHOWROOM_BIN" serve --demo --listen "127.0.0.1:$PORT" >"$work/server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 600); do
    curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  echo "server did not become ready; log:" >&2; cat "$work/server.log" >&2; exit 1
}

stop_server() {
  kill -TERM "$server"; wait "$server" || true; server=
}

# shellcheck source=bench/lib/wrk.sh
source bench/lib/wrk.sh

# The first start seeds the catalog and is not measured (seeding's after-effects would count
# against whichever run came first); both measured runs start fresh on the same data.
start_server true
slug=$(curl -fs "http://127.0.0.1:$PORT/api/v1/products?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["slug"])')
url="http://127.0.0.1:$PORT/api/v1/products/$slug"
stop_server

start_server true
curl -fsI "$url" | grep -qi '^content-security-policy:' || { echo "the shield is not on" >&2; exit 1; }
read -r on_rps on_p50 on_p99 on_err < <(measure "$url")
stop_server

start_server false
if curl -fsI "$url" | grep -qi '^content-security-policy:'; then echo "the shield is not off" >&2; exit 1; fi
read -r off_rps off_p50 off_p99 off_err < <(measure "$url")
stop_server

echo
echo "Shield benchmark: $CONNECTIONS connections, ${DURATION}s per run, cached product detail, demo catalog on SQLite"
printf '%-12s %12s %10s %10s %8s\n' shield requests/s p50_ms p99_ms non2xx
printf '%-12s %12s %10s %10s %8s\n' off "$off_rps" "$off_p50" "$off_p99" "$off_err"
printf '%-12s %12s %10s %10s %8s\n' on "$on_rps" "$on_p50" "$on_p99" "$on_err"
python3 - "$on_rps" "$off_rps" <<'PY'
import sys
on, off = float(sys.argv[1]), float(sys.argv[2])
print(f"shield overhead: {100 * (off - on) / off:.1f} % of requests/s   (target <= 5 %)")
PY

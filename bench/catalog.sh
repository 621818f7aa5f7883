#!/usr/bin/env bash
# Catalog read benchmark: builds the release binary, starts it on the demo catalog (SQLite,
# in-process cache), and loads three routes with wrk at 64 connections:
#   - /healthz                      the reference: a minimal axum route of the same binary
#   - /api/v1/products/{slug}       cached product detail
#   - /api/v1/products              the first page of the product list
# It prints requests/s, p50 and p99 for each, the detail/reference ratio, idle RSS and the time
# from process start to a ready `/readyz`. Targets (2-core machine): detail >= 50 % of the
# reference's requests/s with p99 <= 10 ms, idle RSS <= 60 MB, start to ready <= 500 ms.
# Figures are printed, never asserted: this is a measurement, not a test.
#
#   bash bench/catalog.sh                 # 10 s per route
#   BENCH_SMOKE=1 bash bench/catalog.sh   # 2 s per route (CI)
#   SHOWROOM_BIN=path/to/showroom bash bench/catalog.sh   # skip the build
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${BENCH_DURATION:-$([ "${BENCH_SMOKE:-0}" = 1 ] && echo 2 || echo 10)}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
PORT=${BENCH_PORT:-18480}

if ! command -v wrk >/dev/null; then
  echo "installing wrk from Debian…"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk) >/dev/null
fi
if [ -z "${SHOWROOM_BIN:-}" ]; then
  cargo build --release -q -p showroom
  SHOWROOM_BIN="${CARGO_TARGET_DIR:-target}/release/showroom"
fi

work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"' EXIT

start_server() {
  SHOWROOM_LOG_LEVEL=warn SHOWROOM_HTTP__SHUTDOWN_DRAIN_SECS=0 \
    SHOWROOM_DATABASE_URL="sqlite://$work/showroom.db" SHOWROOM_STORAGE_URL="file://$work/objects" \
    SHOWROOM_SHIELD__RATE_LIMIT__GENERAL_PER_SEC=10000000 SHOWROOM_SHIELD__RATE_LIMIT__GENERAL_BURST=10000000 \
    "$SHOWROOM_BIN" serve --demo --listen "127.0.0.1:$PORT" >"$work/server.log" 2>&1 &
  server=$!
}

wait_ready() {
  local started=$1
  for _ in $(seq 1 600); do
    if curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1; then
      echo $(( $(date +%s%3N) - started ))
      return 0
    fi
    sleep 0.01
  done
  echo "server did not become ready; log:" >&2; cat "$work/server.log" >&2; exit 1
}

# The first start seeds the demo catalog; the second start (same data) is the one timed.
t0=$(date +%s%3N); start_server; seed_ready_ms=$(wait_ready "$t0")
kill -TERM "$server"; wait "$server" || true
t0=$(date +%s%3N); start_server; ready_ms=$(wait_ready "$t0")
sleep 1
rss_kb=$(awk '/VmRSS/ {print $2}' "/proc/$server/status")

slug=$(curl -fs "http://127.0.0.1:$PORT/api/v1/products?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["slug"])')

# shellcheck source=bench/lib/wrk.sh
source bench/lib/wrk.sh

read -r ref_rps ref_p50 ref_p99 ref_err < <(measure "http://127.0.0.1:$PORT/healthz")
read -r det_rps det_p50 det_p99 det_err < <(measure "http://127.0.0.1:$PORT/api/v1/products/$slug")
read -r list_rps list_p50 list_p99 list_err < <(measure "http://127.0.0.1:$PORT/api/v1/products")

echo
echo "Catalog benchmark: $CONNECTIONS connections, ${DURATION}s per route, demo catalog on SQLite"
printf '%-34s %12s %10s %10s %8s\n' route requests/s p50_ms p99_ms non2xx
printf '%-34s %12s %10s %10s %8s\n' "/healthz (reference)" "$ref_rps" "$ref_p50" "$ref_p99" "$ref_err"
printf '%-34s %12s %10s %10s %8s\n' "/api/v1/products/{slug} (cached)" "$det_rps" "$det_p50" "$det_p99" "$det_err"
printf '%-34s %12s %10s %10s %8s\n' "/api/v1/products (first page)" "$list_rps" "$list_p50" "$list_p99" "$list_err"
python3 - "$det_rps" "$ref_rps" "$det_p99" "$rss_kb" "$ready_ms" "$seed_ready_ms" <<'PY'
import sys
det, ref, p99, rss_kb, ready, seeded = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
print(f"detail / reference requests/s: {100 * det / ref:.0f} %   (target >= 50 %)")
print(f"detail p99: {p99:.2f} ms   (target <= 10 ms)")
print(f"idle RSS: {rss_kb / 1024:.1f} MB   (target <= 60 MB)")
print(f"start to ready: {ready} ms   (target <= 500 ms, demo catalog already seeded)")
print(f"first start, seeding the demo catalog: {seeded} ms")
PY

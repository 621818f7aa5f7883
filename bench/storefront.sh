#!/usr/bin/env bash
# Storefront benchmark: starts the release binary on the demo catalog (SQLite, in-process cache),
# waits until the demo models are processed, and prints next to references measured in the same
# run:
#   - the product page's HTML at 64 connections (wrk) against /healthz: requests/s, p50, p99,
#     and the ratio (budget: >= 50 % of /healthz, p99 <= 10 ms);
#   - the JavaScript a product page runs before the first interaction, gzipped (our modules; the
#     viewer library loads later) (budget: <= 30 KB), with model-viewer's own size for scale;
#   - Largest Contentful Paint of a product page in headless Chromium (budget: <= 1.0 s) next to
#     that of the bare 404 page, and the layout shift measured until the 3D viewer has replaced
#     the poster (budget: 0).
# Figures are printed, never asserted: this is a measurement, not a test.
#
#   bash bench/storefront.sh                 # 10 s per route
#   BENCH_SMOKE=1 bash bench/storefront.sh   # 2 s per route (CI)
#   SHOWROOM_BIN=path/to/showroom bash bench/storefront.sh   # skip the build
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${BENCH_DURATION:-$([ "${BENCH_SMOKE:-0}" = 1 ] && echo 2 || echo 10)}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
PORT=${BENCH_PORT:-18490}
TOKEN=bench-admin-token

if ! command -v wrk >/dev/null; then
  echo "installing wrk from Debian…"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk) >/dev/null
fi
if [ ! -x /usr/bin/chromium ]; then
  echo "installing chromium from Debian…"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null
fi
if [ ! -d e2e/node_modules/playwright-core ]; then
  (cd e2e && npm ci --no-audit --no-fund --silent)
fi
if [ -z "${SHOWROOM_BIN:-}" ]; then
  cargo build --release -q -p showroom
  SHOWROOM_BIN="${CARGO_TARGET_DIR:-target}/release/showroom"
fi

work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
base="http://127.0.0.1:$PORT"
SHOWROOM_LOG_LEVEL=warn SHOWROOM_HTTP__SHUTDOWN_DRAIN_SECS=0 SHOWROOM_ADMIN_TOKEN=$TOKEN \
  SHOWROOM_PUBLIC_URL="$base" \
  SHOWROOM_DATABASE_URL="sqlite://$work/showroom.db" SHOWROOM_STORAGE_URL="file://$work/objects" \
  SHOWROOM_SHIELD__RATE_LIMIT__GENERAL_PER_SEC=10000000 SHOWROOM_SHIELD__RATE_LIMIT__GENERAL_BURST=10000000 \
  "$SHOWROOM_BIN" serve --demo --listen "127.0.0.1:$PORT" >"$work/server.log" 2>&1 &
server=$!

for _ in $(seq 1 600); do
  curl -fs "$base/readyz" >/dev/null 2>&1 && break
  sleep 0.05
done
echo "waiting for the demo models to be processed…"
for _ in $(seq 1 600); do
  if curl -fs -H "authorization: Bearer $TOKEN" "$base/api/v1/admin/assets" | python3 -c '
import json, sys
assets = json.load(sys.stdin)
sys.exit(0 if len(assets) >= 24 and all(a["status"] == "ready" for a in assets) else 1)'; then
    break
  fi
  sleep 0.5
done

slug=$(curl -fs "$base/api/v1/products?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["slug"])')
page="$base/products/$slug"

# shellcheck source=bench/lib/wrk.sh
source bench/lib/wrk.sh

read -r ref_rps ref_p50 ref_p99 ref_err < <(measure "$base/healthz")
read -r page_rps page_p50 page_p99 page_err < <(measure "$page")

# Our modules on the product page and what they import statically, gzipped as served.
js_bytes=$(python3 - "$base" "$page" <<'PY'
import gzip, re, sys, urllib.parse, urllib.request
base, page = sys.argv[1], sys.argv[2]
def get(url):
    request = urllib.request.Request(url, headers={"accept-encoding": "gzip"})
    with urllib.request.urlopen(request) as response:
        body = response.read()
        return body, response.headers.get("content-encoding")
html, enc = get(page)
html = gzip.decompress(html) if enc == "gzip" else html
sources = re.findall(rb'<script type="module" src="([^"]+)"', html)
queue = [urllib.parse.urljoin(page, src.decode()) for src in sources]
seen, total, model_viewer = set(), 0, 0
while queue:
    url = queue.pop()
    if url in seen:
        continue
    seen.add(url)
    body, enc = get(url)
    total += len(body) if enc == "gzip" else len(gzip.compress(body))
    text = gzip.decompress(body) if enc == "gzip" else body
    for spec in re.findall(rb"^import [^;]*?from '(\./[^']+)'", text, re.M):
        queue.append(urllib.parse.urljoin(url, spec.decode()))
mv = re.search(rb'data-model-viewer="([^"]+)"', html)
if mv:
    body, enc = get(urllib.parse.urljoin(page, mv.group(1).decode()))
    model_viewer = len(body) if enc == "gzip" else len(gzip.compress(body))
print(total, model_viewer, len(seen))
PY
)
read -r js_gz mv_gz js_files <<<"$js_bytes"

product_metrics=$(node e2e/lib/page-metrics.mjs "$page")
reference_metrics=$(node e2e/lib/page-metrics.mjs "$base/no-such-page" 1500)

python3 - "$ref_rps" "$ref_p50" "$ref_p99" "$ref_err" "$page_rps" "$page_p50" "$page_p99" "$page_err" \
  "$js_gz" "$mv_gz" "$js_files" "$product_metrics" "$reference_metrics" "$CONNECTIONS" "$DURATION" <<'PY'
import json, sys
(ref_rps, ref_p50, ref_p99, ref_err, rps, p50, p99, err, js, mv, files, product, reference, conns, secs) = sys.argv[1:]
product, reference = json.loads(product), json.loads(reference)
print()
print(f"storefront benchmark ({conns} connections, {secs} s per route)")
print(f"{'route':<28}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'errors':>8}")
print(f"{'/healthz (reference)':<28}{ref_rps:>10}{ref_p50:>10}{ref_p99:>10}{ref_err:>8}")
print(f"{'product page HTML':<28}{rps:>10}{p50:>10}{p99:>10}{err:>8}")
ratio = 100 * float(rps) / max(float(ref_rps), 1)
print(f"product page / healthz: {ratio:.0f} % of requests/s (budget >= 50 %), p99 {p99} ms (budget <= 10 ms)")
print(f"JavaScript before first interaction: {int(js) / 1024:.1f} KB gzipped in {files} modules (budget <= 30 KB); model-viewer, loaded later: {int(mv) / 1024:.0f} KB gzipped")
print(f"LCP product page: {product['lcp_ms']} ms (budget <= 1000 ms); reference, the bare 404 page: {reference['lcp_ms']} ms")
print(f"layout shift until the viewer took over: {product['cls']:.4f} (budget 0; viewer live: {product['viewer_live']}); 404 page: {reference['cls']:.4f}")
PY

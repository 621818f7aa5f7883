#!/usr/bin/env bash
# The render check: every fixture model (gltf/models and gltf/extensions) optimized by our release
# binary (`showroom assets optimize`), its posters drawn from the delivery GLB at 512 px
# (`showroom assets render`, which also writes the looks and the posters' camera), and the same
# GLB drawn by <model-viewer> in headless Chromium at that camera. Prints per model and look the
# silhouette IoU of the two alpha masks and the SSIM of luminance after cropping both to the
# subject (aims: IoU ≥ 0.95, SSIM ≥ 0.8), and the mean luma of each subject.
#
# This is a report, not a timed or flaky test: it fails (exit 1) only on a clear regression of
# ours — a blank poster (no product pixels) or a near-black one (mean luma under 0.06 where
# <model-viewer> shows the product at least three times brighter). A model the viewer cannot
# draw is listed with its reason and does not fail the run.
#
# Uses web/vendor (model-viewer, the Draco, Basis and meshopt decoders) when the repository has
# it, else installs the same pinned npm packages into a temporary directory; playwright-core
# drives Debian's chromium (CHROMIUM=/usr/bin/chromium by default).
#
#   bash bench/render-check.sh
#   BENCH_SMOKE=1 bash bench/render-check.sh          # 3 models (CI)
#   SHOWROOM_BIN=path/to/showroom bash bench/render-check.sh
#   RENDER_CHECK_OUT=dir bash bench/render-check.sh   # keep posters, viewer frames, table
#   RENDER_CHECK_VIEWER_CACHE=dir bash bench/render-check.sh  # reuse an earlier OUT's viewer
#                                    # frames where it drew the same GLB bytes at the same camera
#   BENCH_TOOLS=dir bash bench/render-check.sh        # reuse (or keep) the npm packages there
set -euo pipefail
cd "$(dirname "$0")/.."
FIXTURES=${SHOWROOM_FIXTURES:-../shared/fixtures}
if [ ! -f "$FIXTURES/gltf/models/MANIFEST.tsv" ]; then
  echo "skipping: no fixtures at $FIXTURES/gltf/models"
  exit 0
fi
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ] || ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "skipping: the render check needs node, npm and $CHROMIUM (apt-get install -y chromium nodejs npm)"
  exit 0
fi
if [ -z "${SHOWROOM_BIN:-}" ]; then
  cargo build --release -q -p showroom
  SHOWROOM_BIN="${CARGO_TARGET_DIR:-target}/release/showroom"
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
OUT=${RENDER_CHECK_OUT:-$TMP/out}
mkdir -p "$OUT"
TOOLS=${BENCH_TOOLS:-$TMP/tools}

# Pinned like web/vendor/vendor.lock.
PACKAGES=(playwright-core@1.65.1)
VENDOR=web/vendor
if [ ! -f "$VENDOR/model-viewer/model-viewer.min.js" ]; then
  PACKAGES+=(@google/model-viewer@4.4.0 three@0.183.2 meshoptimizer@1.0.1)
  VENDOR=$TMP/vendor
fi
if [ ! -d "$TOOLS/node_modules/playwright-core" ] ||
  { [ "$VENDOR" = "$TMP/vendor" ] && [ ! -d "$TOOLS/node_modules/@google/model-viewer" ]; }; then
  mkdir -p "$TOOLS"
  npm install --prefix "$TOOLS" --no-audit --no-fund --silent "${PACKAGES[@]}" >/dev/null 2>&1 || {
    echo "skipping: npm install of ${PACKAGES[*]} failed"
    exit 0
  }
fi
if [ "$VENDOR" = "$TMP/vendor" ]; then
  modules="$TOOLS/node_modules"
  mkdir -p "$VENDOR"/{model-viewer,draco,basis,meshopt}
  cp "$modules/@google/model-viewer/dist/model-viewer.min.js" "$VENDOR/model-viewer/"
  cp "$modules/three/examples/jsm/libs/draco/gltf/draco_decoder.wasm" \
    "$modules/three/examples/jsm/libs/draco/gltf/draco_wasm_wrapper.js" "$VENDOR/draco/"
  cp "$modules/three/examples/jsm/libs/basis/basis_transcoder."{js,wasm} "$VENDOR/basis/"
  cp "$modules/meshoptimizer/meshopt_decoder.cjs" "$VENDOR/meshopt/meshopt_decoder.js"
fi

mapfile -t FILES < <(for set in models extensions; do
  manifest="$FIXTURES/gltf/$set/MANIFEST.tsv"
  [ -f "$manifest" ] && tail -n +2 "$manifest" | cut -f1 | grep -E '\.(glb|gltf)$' | sed "s|^|$FIXTURES/gltf/$set/|"
done)
if [ "${BENCH_SMOKE:-0}" = 1 ]; then FILES=("${FILES[@]:0:3}"); fi

failed=()
for file in "${FILES[@]}"; do
  name=$(basename "$(dirname "$file")")
  dir="$OUT/$name"
  mkdir -p "$dir"
  if ! "$SHOWROOM_BIN" assets optimize "$file" -o "$dir/model.glb" >"$dir/optimize.log" 2>&1; then
    echo "$name: our optimizer refused it: $(tail -1 "$dir/optimize.log")"
    failed+=("$name (not optimized)")
    continue
  fi
  if ! "$SHOWROOM_BIN" assets render "$dir/model.glb" -o "$dir" --size 512 >"$dir/render.log" 2>&1; then
    echo "$name: our renderer refused it: $(tail -1 "$dir/render.log")"
    failed+=("$name (no poster)")
  fi
done

NODE_TOOLS="$TOOLS" node bench/render-check/check.mjs "$OUT" "$VENDOR" | tee "$TMP/table.txt" | sed '$d'
rows=$(tail -1 "$TMP/table.txt")
verdict=$(node -e '
  const rows = JSON.parse(process.argv[1]);
  const bad = rows.filter((r) => r.ours_coverage !== null && (r.ours_coverage < 0.001 ||
    (r.ours_luma < 0.06 && r.viewer_luma >= 3 * r.ours_luma)));
  const measured = rows.filter((r) => r.iou !== null);
  const mean = (k) => measured.reduce((s, r) => s + r[k], 0) / Math.max(1, measured.length);
  const atIou = measured.filter((r) => r.iou >= 0.95).length;
  const atSsim = measured.filter((r) => r.ssim >= 0.8).length;
  console.log(`looks measured: ${measured.length} of ${rows.length}; IoU ≥ 0.95: ${atIou}, SSIM ≥ 0.8: ${atSsim}; mean IoU ${mean("iou").toFixed(3)}, mean SSIM ${mean("ssim").toFixed(3)}`);
  for (const r of bad) console.log(`REGRESSION: ${r.model} ${r.look}: ${r.ours_coverage < 0.001 ? "blank poster" : "near-black poster"} (luma ${r.ours_luma.toFixed(3)} vs the viewer'"'"'s ${r.viewer_luma.toFixed(3)})`);
  process.exit(bad.length ? 1 : 0);
' "$rows") && status=0 || status=$?
echo "$verdict"
for f in "${failed[@]}"; do echo "REGRESSION: $f"; done
[ ${#failed[@]} -eq 0 ] && [ "$status" = 0 ]

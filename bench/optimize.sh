#!/usr/bin/env bash
# Optimizer benchmark: every fixture model through our optimizer (`showroom assets optimize`,
# release build) and, in the same run on the same files, through gltfpack (`-cc`, npm package
# `gltfpack`) and glTF Transform (`optimize --texture-compress webp`, npm
# `@gltf-transform/cli`), both installed by this script into a temporary directory with
# `npm install --prefix`. Prints per model: input bytes (the model's files), our delivery GLB
# bytes, gltfpack's and gltf-transform's bytes, the wall time of each (process start to exit),
# and the SSIM of our posters of the original and of our delivery GLB (`showroom assets
# compare`, 256 px; target ≥ 0.97); then the totals, the lowest SSIM, and the ratios
# ours/gltfpack for time (target ≤ 1.00) and ours/gltf-transform for size (target ≤ 1.00).
# Figures are printed, never asserted. A tool that fails on a model prints `-` and is left out
# of the totals for that model (for every tool, so the totals compare the same models).
#
#   bash bench/optimize.sh                  # every model
#   BENCH_SMOKE=1 bash bench/optimize.sh    # 2 models (CI)
#   SHOWROOM_BIN=path/to/showroom bash bench/optimize.sh   # skip the build
#   SHOWROOM_FIXTURES=path/to/fixtures bash bench/optimize.sh
#   BENCH_TOOLS=dir bash bench/optimize.sh  # reuse (or keep) the npm tools installed there
set -euo pipefail
cd "$(dirname "$0")/.."
FIXTURES=${SHOWROOM_FIXTURES:-../shared/fixtures}
MODELS_DIR="$FIXTURES/gltf/models"
if [ ! -f "$MODELS_DIR/MANIFEST.tsv" ]; then
  echo "skipping: no fixtures at $MODELS_DIR"
  exit 0
fi
if [ -z "${SHOWROOM_BIN:-}" ]; then
  cargo build --release -q -p showroom
  SHOWROOM_BIN="${CARGO_TARGET_DIR:-target}/release/showroom"
fi
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
TOOLS=${BENCH_TOOLS:-$OUT/tools}
if [ ! -x "$TOOLS/node_modules/.bin/gltfpack" ] || [ ! -x "$TOOLS/node_modules/.bin/gltf-transform" ]; then
  if ! command -v npm >/dev/null; then
    echo "skipping the reference tools: npm is not installed"
  else
    mkdir -p "$TOOLS"
    npm install --prefix "$TOOLS" --no-audit --no-fund --silent gltfpack @gltf-transform/cli >/dev/null 2>&1 ||
      echo "warning: npm install of gltfpack / @gltf-transform/cli failed"
  fi
fi
GLTFPACK="$TOOLS/node_modules/.bin/gltfpack"
TRANSFORM="$TOOLS/node_modules/.bin/gltf-transform"

mapfile -t MODELS < <(tail -n +2 "$MODELS_DIR/MANIFEST.tsv" | cut -f1 | grep -E '\.(glb|gltf)$')
if [ "${BENCH_SMOKE:-0}" = 1 ]; then MODELS=("${MODELS[@]:0:2}"); fi

now_ms() { date +%s%3N; }
# Runs "$@" and prints "<ms> <bytes of $OUT_FILE>" or "- -" when the command fails.
measure() {
  local out_file=$1 log=$2
  shift 2
  local start
  start=$(now_ms)
  if "$@" >"$log" 2>&1 && [ -s "$out_file" ]; then
    echo "$(($(now_ms) - start)) $(stat -c %s "$out_file")"
  else
    echo "- -"
  fi
}

printf '%-22s %10s %10s %10s %10s %8s %8s %8s %6s\n' \
  model input ours gltfpack xform_webp ours_ms pack_ms xform_ms ssim
min_ssim=-
t_in=0 t_ours=0 t_pack=0 t_xform=0 t_ours_ms=0 t_pack_ms=0 t_xform_ms=0 failed=0
for model in "${MODELS[@]}"; do
  file="$MODELS_DIR/$model"
  name=$(basename "${model%.*}")
  input=$(find "$(dirname "$file")" -maxdepth 1 -type f -printf '%s\n' | awk '{s += $1} END {print s}')
  read -r ours_ms ours < <(measure "$OUT/$name.ours.glb" "$OUT/$name.ours.log" \
    "$SHOWROOM_BIN" assets optimize "$file" -o "$OUT/$name.ours.glb")
  read -r pack_ms pack < <(measure "$OUT/$name.pack.glb" "$OUT/$name.pack.log" \
    "$GLTFPACK" -cc -i "$file" -o "$OUT/$name.pack.glb")
  read -r xform_ms xform < <(measure "$OUT/$name.xform.glb" "$OUT/$name.xform.log" \
    "$TRANSFORM" optimize "$file" "$OUT/$name.xform.glb" --texture-compress webp)
  ssim=-
  if [ "$ours" != - ]; then
    ssim=$("$SHOWROOM_BIN" assets compare "$file" "$OUT/$name.ours.glb" 2>/dev/null | awk '{print $2}') || ssim=-
    [ -n "$ssim" ] || ssim=-
  fi
  printf '%-22s %10s %10s %10s %10s %8s %8s %8s %6s\n' \
    "$name" "$input" "$ours" "$pack" "$xform" "$ours_ms" "$pack_ms" "$xform_ms" "$ssim"
  if [ "$ssim" != - ]; then
    min_ssim=$(awk -v a="$min_ssim" -v b="$ssim" 'BEGIN { print (a == "-" || b < a) ? b : a }')
  fi
  if [ "$ours" = - ] || [ "$pack" = - ] || [ "$xform" = - ]; then
    failed=$((failed + 1))
    [ "$ours" = - ] && echo "  ours failed: $(tail -1 "$OUT/$name.ours.log")"
    [ "$pack" = - ] && echo "  gltfpack failed: $(tail -1 "$OUT/$name.pack.log")"
    [ "$xform" = - ] && echo "  gltf-transform failed: $(tail -1 "$OUT/$name.xform.log")"
    continue
  fi
  t_in=$((t_in + input)) t_ours=$((t_ours + ours)) t_pack=$((t_pack + pack)) t_xform=$((t_xform + xform))
  t_ours_ms=$((t_ours_ms + ours_ms)) t_pack_ms=$((t_pack_ms + pack_ms)) t_xform_ms=$((t_xform_ms + xform_ms))
done
printf '%-22s %10s %10s %10s %10s %8s %8s %8s\n' \
  total "$t_in" "$t_ours" "$t_pack" "$t_xform" "$t_ours_ms" "$t_pack_ms" "$t_xform_ms"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "-" }'; }
echo "size ours/gltfpack: $(ratio "$t_ours" "$t_pack"); ours/gltf-transform webp: $(ratio "$t_ours" "$t_xform") (target <= 1.00)"
echo "poster SSIM original vs ours, lowest: $min_ssim (target >= 0.97)"
echo "time ours/gltfpack: $(ratio "$t_ours_ms" "$t_pack_ms") (target <= 1.00); ours/gltf-transform: $(ratio "$t_ours_ms" "$t_xform_ms")"
echo "models left out of the totals because a tool failed: $failed"

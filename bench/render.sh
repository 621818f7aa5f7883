#!/usr/bin/env bash
# Poster benchmark: every fixture model rendered at 1024 px (one poster, PNG) by our release
# binary, next to a reference measured in the same run on the same file: the time to validate
# it (`showroom assets validate`, which parses and scans the same bytes). Prints model,
# triangles, decode ms, ms per 1024 px poster (draw + encode, as the binary reports it),
# validate ms, and flags models of at most 100k triangles whose poster took over 250 ms.
# Figures are printed, never asserted.
#
#   bash bench/render.sh                  # every model at 1024 px
#   BENCH_SMOKE=1 bash bench/render.sh    # 2 models at 256 px (CI)
#   SHOWROOM_BIN=path/to/showroom bash bench/render.sh   # skip the build
#   SHOWROOM_FIXTURES=path/to/fixtures bash bench/render.sh
set -euo pipefail
cd "$(dirname "$0")/.."
FIXTURES=${SHOWROOM_FIXTURES:-../shared/fixtures}
MODELS_DIR="$FIXTURES/gltf/models"
SIZE=1024
if [ "${BENCH_SMOKE:-0}" = 1 ]; then SIZE=256; fi
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

mapfile -t MODELS < <(tail -n +2 "$MODELS_DIR/MANIFEST.tsv" | cut -f1 | grep -E '\.(glb|gltf)$')
if [ "${BENCH_SMOKE:-0}" = 1 ]; then MODELS=("${MODELS[@]:0:2}"); fi

now_ms() { date +%s%3N; }
printf '%-42s %10s %10s %14s %12s  %s\n' model triangles decode_ms "ms/${SIZE}px" validate_ms flag
slow=0
for model in "${MODELS[@]}"; do
  file="$MODELS_DIR/$model"
  start=$(now_ms)
  "$SHOWROOM_BIN" assets validate "$file" >/dev/null 2>&1 || true
  validate_ms=$(( $(now_ms) - start ))
  log="$OUT/$(basename "$model").log"
  if ! "$SHOWROOM_BIN" assets render "$file" -o "$OUT/posters" --size "$SIZE" >"$log" 2>&1; then
    printf '%-42s %10s %10s %14s %12s  %s\n' "$model" - - - "$validate_ms" "FAILED: $(tail -1 "$log")"
    continue
  fi
  triangles=$(sed -n 's/^decoded .* (\([0-9]*\) triangles) in \([0-9]*\) ms$/\1/p' "$log")
  decode_ms=$(sed -n 's/^decoded .* (\([0-9]*\) triangles) in \([0-9]*\) ms$/\2/p' "$log")
  poster_ms=$(grep -m1 "poster-default-$SIZE" "$log" | sed -n 's/.*(drawn in \([0-9]*\) ms.*/\1/p')
  flag=""
  if [ "$SIZE" = 1024 ] && [ "${triangles:-0}" -le 100000 ] && [ "${poster_ms:-0}" -gt 250 ]; then
    flag="OVER 250 ms"
    slow=$((slow + 1))
  fi
  printf '%-42s %10s %10s %14s %12s  %s\n' "$model" "$triangles" "$decode_ms" "$poster_ms" "$validate_ms" "$flag"
done
echo "models <= 100k triangles over 250 ms per ${SIZE} px poster: $slow (target: 0; one core, release)"

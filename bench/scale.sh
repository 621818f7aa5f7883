#!/usr/bin/env bash
# Catalog at scale: generates a Shopify product CSV of N products x 3 variants (N=100000 by
# default; bench/lib/scale_csv.py), imports it with `showroom catalog import` on SQLite and on
# PostgreSQL, then serves each and prints, per engine:
#   - import rate (products/s), database size, the import's peak RSS; the rate of importing the
#     same file again (every product updated in place);
#   - start to ready with that catalog, and idle RSS;
#   - at $CONNECTIONS connections, requests/s and p99 of /healthz (the reference, same run),
#     product detail, a filtered list with facets, and search (with typos), each path drawn
#     with a Zipf-like skew over all products, lists or searches, so the caches miss for real;
#     p99.9 and the slowest request beside them (the cold fills live there);
#   - and, when PostgreSQL is reachable, checkout orders/s next to pgbench's TPC-B-like script
#     at the same client count (bench/checkout.sh, run last with the same binary; its own
#     header says how; SCALE_CHECKOUT=0 leaves it out, as CI does, which runs it on its own).
# The load comes from showroom-loadgen (crates/showroom-loadgen), which keeps every request's
# latency: wrk 4.1, used before, reported p90/p99 from its own statistics that exceeded what its
# request count allows under a burst of slow answers (wg/wrk#438). Each run also prints the sum
# of the latencies next to its ceiling (connections x seconds) as a check.
# Goals (issue 16, 2 cores): detail >= 50 % of /healthz's requests/s, list and search p99 <=
# 20 ms, start to ready <= 500 ms, checkout >= 50 % of TPC-B. Figures are printed, never
# asserted.
#
#   bash bench/scale.sh                     # 100,000 products, 10 s per route
#   BENCH_SMOKE=1 bash bench/scale.sh       # ~2,000 products, 2 s per route (CI)
#   SCALE_PRODUCTS=20000 bash bench/scale.sh
#   SHOWROOM_BIN=path/to/showroom bash bench/scale.sh   # skip the build (showroom-loadgen is
#                                                       # taken from beside it, or SHOWROOM_LOADGEN)
#   SHOWROOM_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432   # server for the scratch database
#                                                           # (unset or unreachable: SQLite only)
set -euo pipefail
cd "$(dirname "$0")/.."
SMOKE=${BENCH_SMOKE:-0}
N=${SCALE_PRODUCTS:-$([ "$SMOKE" = 1 ] && echo 2000 || echo 100000)}
DURATION=${BENCH_DURATION:-$([ "$SMOKE" = 1 ] && echo 2 || echo 10)}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
PORT=${BENCH_PORT:-18490}
PG_SERVER=${SHOWROOM_BENCH_POSTGRES_URL-postgres://postgres@127.0.0.1:5432}
PG_DB=showroom_scale_bench
export PGOPTIONS="-c client_min_messages=warning"

if [ -z "${SHOWROOM_BIN:-}" ]; then
  cargo build --release -q -p showroom -p showroom-loadgen
  SHOWROOM_BIN="${CARGO_TARGET_DIR:-target}/release/showroom"
fi
LOADGEN=${SHOWROOM_LOADGEN:-$(dirname "$SHOWROOM_BIN")/showroom-loadgen}
[ -x "$LOADGEN" ] || { echo "no load generator at $LOADGEN: cargo build --release -p showroom-loadgen" >&2; exit 1; }

work=$(mktemp -d)
server=
trap 'if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi; rm -rf "$work"' EXIT

echo "generating $N products x 3 variants…"
python3 bench/lib/scale_csv.py "$N" "$work"
csv_mb=$(python3 -c "import os,sys; print(f'{os.path.getsize(sys.argv[1]) / 1e6:.1f}')" "$work/catalog.csv")

# measure PATH [PATHS_FILE]: warms PATH with one request, then loads the server for $DURATION s
# at $CONNECTIONS connections, asking for PATH or for paths drawn from PATHS_FILE with a Zipf-like
# skew (rank r with probability ~ 1/r; the generator shuffled the file). Prints "requests/s p50
# p99 non_2xx_3xx p90 p99.9 max" (ms); the generator's whole report is kept in $work/load.txt.
measure() {
  local path=$1 paths=${2:-} source
  if [ -n "$paths" ]; then source=(--paths "$paths"); else source=(--path "$path"); fi
  curl -fs "http://127.0.0.1:$PORT$path" >/dev/null
  "$LOADGEN" --addr "127.0.0.1:$PORT" --connections "$CONNECTIONS" --duration "$DURATION" \
    "${source[@]}" >"$work/load.txt"
  { echo "-- $engine: $path${paths:+ and the rest of $(basename "$paths"), Zipf}"; cat "$work/load.txt"; } >>"$work/load-all.txt"
  sed -n 's/^result //p' "$work/load.txt"
}

env_for() {  # the environment every command of one engine runs with
  echo SHOWROOM_DATABASE_URL="$1" SHOWROOM_STORAGE_URL="file://$work/objects" SHOWROOM_LOG_LEVEL=warn \
    SHOWROOM_CURRENCY=USD SHOWROOM_HTTP__SHUTDOWN_DRAIN_SECS=0 \
    SHOWROOM_SHIELD__RATE_LIMIT__GENERAL_PER_SEC=10000000 SHOWROOM_SHIELD__RATE_LIMIT__GENERAL_BURST=10000000
}

wait_ready() {
  local started=$1
  for _ in $(seq 1 3000); do
    if curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1; then
      echo $(( $(date +%s%3N) - started ))
      return 0
    fi
    sleep 0.01
  done
  echo "server did not become ready; log:" >&2; cat "$work/server.log" >&2; exit 1
}

# timed_import URL NAME: imports the catalog into URL (output in $work/NAME.out and .err, peak
# RSS in $work/NAME.rss) and prints "seconds products_per_second".
timed_import() {
  local url=$1 name=$2 t0 t1
  t0=$(date +%s%3N)
  env $(env_for "$url") /usr/bin/time -f '%M' -o "$work/$name.rss" \
    "$SHOWROOM_BIN" catalog import "$work/catalog.csv" --batch-size 1000 >"$work/$name.out" 2>"$work/$name.err" \
    || { echo "$name failed:" >&2; cat "$work/$name.out" "$work/$name.err" >&2; exit 1; }
  t1=$(date +%s%3N)
  python3 -c "print(f'{($t1 - $t0) / 1000:.1f} {$N * 1000 / max(1, $t1 - $t0):.0f}')"
}

# rss PID: "TOTAL MB (ANON MB anonymous)". The total counts file pages mapped in too: SQLite maps
# its database file (mmap_size) once per pooled connection, so on SQLite it counts the same
# page-cache pages several times; the anonymous part is the process's own memory.
rss() {
  awk '/^VmRSS/ {t = $2} /^RssAnon/ {a = $2} END {printf "%.0f MB (%.0f MB anonymous)", t / 1024, a / 1024}' "/proc/$1/status"
}

# row LABEL RPS P50 P99 NON2XX P90 P999 MAX: one line of the results table (p90 left out).
row() {
  printf '%-42s %11s %8s %8s %9s %9s %7s\n' "$1" "$2" "$3" "$4" "$7" "$8" "$5"
}

# run ENGINE URL SIZE_COMMAND: import, serve, measure; appends one block to $work/results.
run() {
  local engine=$1 url=$2 size_command=$3
  echo "importing into $engine…"
  local timing import_s rate reimport_s reimport_rate size_mb import_rss_mb
  timing=$(timed_import "$url" import)  # a failed import ends the script here (set -e)
  read -r import_s rate <<<"$timing"
  size_mb=$(eval "$size_command")
  import_rss_mb=$(python3 -c "print(f'{int(open(\"$work/import.rss\").read().split()[-1]) / 1024:.0f}')")
  # The same file again: every product is found by handle and updated in place, none created.
  timing=$(timed_import "$url" reimport)
  read -r reimport_s reimport_rate <<<"$timing"

  local t0
  t0=$(date +%s%3N)
  env $(env_for "$url") "$SHOWROOM_BIN" serve --listen "127.0.0.1:$PORT" >"$work/server.log" 2>&1 &
  server=$!
  local ready_ms idle_rss_mb
  ready_ms=$(wait_ready "$t0")
  sleep 1
  idle_rss_mb=$(rss "$server")

  local ref det list search
  ref=$(measure /healthz)
  det=$(measure "$(head -1 "$work/details.txt")" "$work/details.txt")
  list=$(measure "$(head -1 "$work/lists.txt")" "$work/lists.txt")
  search=$(measure "$(head -1 "$work/searches.txt")" "$work/searches.txt")
  local loaded_rss_mb
  loaded_rss_mb=$(rss "$server")
  kill -TERM "$server"; wait "$server" || true; server=

  {
    echo
    echo "== $engine: $N products x 3 variants ($csv_mb MB of CSV)"
    echo "import: ${import_s} s, $rate products/s, database $size_mb MB, import peak RSS $import_rss_mb MB"
    echo "re-import of the same file (updates in place): ${reimport_s} s, $reimport_rate products/s; $(grep -o '[0-9]* products created, [0-9]* updated' "$work/reimport.out" || echo '?')"
    echo "start to ready: $ready_ms ms (target <= 500), RSS idle $idle_rss_mb, after load $loaded_rss_mb"
    printf '%-42s %11s %8s %8s %9s %9s %7s\n' "route ($CONNECTIONS connections, ${DURATION} s)" requests/s p50_ms p99_ms p99.9_ms max_ms non2xx
    row "/healthz (reference)" $ref
    row "product detail (Zipf over all products)" $det
    row "list + filters + facets (Zipf)" $list
    row "search, 1 in 2 words with a typo (Zipf)" $search
    python3 -c "print(f'detail / reference: {100 * ${det%% *} / ${ref%% *}:.0f} %   (target >= 50 %); list and search p99 target <= 20 ms')"
  } >>"$work/results"
}

run sqlite "sqlite://$work/scale.db" \
  "du -cb $work/scale.db* | awk 'END {printf \"%.0f\", \$1 / 1e6}'"

if [ -n "$PG_SERVER" ] && psql "$PG_SERVER/postgres" -qc 'select 1' >/dev/null 2>&1; then
  psql "$PG_SERVER/postgres" -qc "DROP DATABASE IF EXISTS $PG_DB" -c "CREATE DATABASE $PG_DB" >/dev/null
  run postgres "$PG_SERVER/$PG_DB" \
    "psql '$PG_SERVER/$PG_DB' -Atc \"select round(pg_database_size('$PG_DB') / 1e6)\""
  psql "$PG_SERVER/postgres" -qc "DROP DATABASE IF EXISTS $PG_DB" >/dev/null
else
  echo "PostgreSQL at $PG_SERVER is not reachable: SQLite only" >>"$work/results"
fi

echo
echo "showroom-loadgen's reports (the sum of latencies can never exceed connections x seconds):"
sed '/^result /d' "$work/load-all.txt"
echo
echo "Catalog at scale, $(date -u +%Y-%m-%d), $(nproc) cores"
cat "$work/results"

if [ "${SCALE_CHECKOUT:-1}" != 0 ] && [ -n "$PG_SERVER" ] && psql "$PG_SERVER/postgres" -qc 'select 1' >/dev/null 2>&1; then
  echo
  echo "== checkout on PostgreSQL (bench/checkout.sh)"
  SHOWROOM_BIN="$SHOWROOM_BIN" SHOWROOM_LOADGEN="$LOADGEN" SHOWROOM_BENCH_POSTGRES_URL="$PG_SERVER" \
    bash bench/checkout.sh
fi

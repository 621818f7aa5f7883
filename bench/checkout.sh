#!/usr/bin/env bash
# Checkout benchmark on PostgreSQL: builds the release binary, starts it on a fresh database of
# its own, seeds 1,000 published variants with plenty of stock through the admin API, then runs
# 32 concurrent buyers posting `POST /api/v1/checkout` (a random variant and quantity, a unique
# Idempotency-Key, the `test` provider's success card) for a fixed time with showroom-loadgen
# (compiled, like pgbench, so the client's own CPU on this shared machine weighs alike on both
# sides). Every checkout is a real, distinct order: the stock reserved, the payment, the
# transition to paid.
# The references, measured in the same run on the same PostgreSQL server, in a second database
# of its own (`pgbench -i -s 10`), with the same clients and duration: pgbench's built-in
# TPC-B-like script (five statements in one write transaction: the fair yardstick for a checkout,
# which is a multi-statement write transaction; goal >= 50 % of its transactions/s) and
# `pgbench -S` (one single-row select, the ceiling of a round trip). Scale 10 gives ten branch
# rows, so TPC-B's clients contend on rows as buyers of a popular variant do, not all on one.
# The shop's database pool gets as many connections as pgbench has clients (BENCH_POOL, default
# the buyers' count), so both sides hold the same number of server connections.
# Prints orders/s, p50 and p99 next to pgbench's transactions/s, the CPU per order of the shop,
# its PostgreSQL backends and the load generator, and the WAL flushes per order. Fails when any checkout answers
# 5xx or when the paid orders in the database differ from the 201s counted; other figures are
# printed, never asserted. Both databases are dropped at the end.
#
#   bash bench/checkout.sh                 # 20 s per run
#   BENCH_SMOKE=1 bash bench/checkout.sh   # 3 s per run (CI)
#   SHOWROOM_BIN=path/to/showroom bash bench/checkout.sh   # skip the build (showroom-loadgen is
#                                                          # taken from beside it, or SHOWROOM_LOADGEN)
#   SHOWROOM_BENCH_POSTGRES_URL=postgres://user@host:5432 bash bench/checkout.sh
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${BENCH_DURATION:-$([ "${BENCH_SMOKE:-0}" = 1 ] && echo 3 || echo 20)}
BUYERS=${BENCH_CONNECTIONS:-32}
POOL=${BENCH_POOL:-$BUYERS}
VARIANTS=${BENCH_VARIANTS:-1000}
PORT=${BENCH_PORT:-18482}
SERVER_URL=${SHOWROOM_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}
SERVER_URL=${SERVER_URL%/}
case "$SERVER_URL" in */*/*/*) SERVER_URL=${SERVER_URL%/*} ;; esac  # drop a database name
TOKEN=bench-admin-token

# pgbench ships with the PostgreSQL server packages (Debian: postgresql-NN, also linked from
# /usr/bin by postgresql-client-common); the newest installed one is used.
PGBENCH=$(command -v pgbench || ls -1d /usr/lib/postgresql/*/bin/pgbench 2>/dev/null | sort -V | tail -1)
[ -x "$PGBENCH" ] || { echo "pgbench not found (Debian: apt-get install postgresql-contrib or postgresql-NN)" >&2; exit 1; }
if [ -z "${SHOWROOM_BIN:-}" ]; then
  cargo build --release -q -p showroom -p showroom-loadgen
  SHOWROOM_BIN="${CARGO_TARGET_DIR:-target}/release/showroom"
fi
LOADGEN=${SHOWROOM_LOADGEN:-$(dirname "$SHOWROOM_BIN")/showroom-loadgen}
[ -x "$LOADGEN" ] || { echo "no load generator at $LOADGEN: cargo build --release -p showroom-loadgen" >&2; exit 1; }

suffix="$(date +%s)_$$"
shop_db="showroom_bench_checkout_$suffix"
pgbench_db="showroom_bench_pgbench_$suffix"
work=$(mktemp -d)
server=
cleanup() {
  [ -n "$server" ] && { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; }
  for db in "$shop_db" "$pgbench_db"; do
    psql -q "$SERVER_URL/postgres" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

psql -q "$SERVER_URL/postgres" -c "CREATE DATABASE $shop_db" -c "CREATE DATABASE $pgbench_db" >/dev/null

SHOWROOM_LOG_LEVEL=warn SHOWROOM_HTTP__SHUTDOWN_DRAIN_SECS=0 \
  SHOWROOM_DATABASE_URL="$SERVER_URL/$shop_db" SHOWROOM_STORAGE_URL="file://$work/objects" \
  SHOWROOM_ADMIN_TOKEN="$TOKEN" SHOWROOM_DATABASE_MAX_CONNECTIONS="$POOL" \
  SHOWROOM_SHIELD__RATE_LIMIT__GENERAL_PER_SEC=10000000 SHOWROOM_SHIELD__RATE_LIMIT__GENERAL_BURST=10000000 \
  SHOWROOM_SHIELD__RATE_LIMIT__STRICT_PER_SEC=10000000 SHOWROOM_SHIELD__RATE_LIMIT__STRICT_BURST=10000000 \
  "$SHOWROOM_BIN" serve --listen "127.0.0.1:$PORT" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 1000); do
  curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { echo "server exited; log:" >&2; cat "$work/server.log" >&2; exit 1; }
  sleep 0.02
done
curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null || { echo "server not ready; log:" >&2; cat "$work/server.log" >&2; exit 1; }

t0=$(date +%s%3N)
python3 bench/checkout_seed.py "http://127.0.0.1:$PORT" "$TOKEN" "$VARIANTS" "$work/variants.txt"
seed_ms=$(( $(date +%s%3N) - t0 ))

# Where the CPU goes, per order: the shop's process, the load generator (timed by /usr/bin/time)
# and the PostgreSQL backends serving the shop's database (its pool's connections; their process
# titles name the database). A backend that started during the run counts from zero.
cpu_ticks() {  # cpu_ticks PID: user + system clock ticks used so far (0 when gone)
  awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0
}
declare -A backend_before
for pid in $(pgrep -f "^postgres: .* $shop_db " || true); do backend_before[$pid]=$(cpu_ticks "$pid"); done
server_before=$(cpu_ticks "$server")
# WAL flushes to disk, server-wide (pg_stat_wal, PostgreSQL 14+; empty when absent): with group
# commit several commits can share one, so per order this is at most the synchronous commits.
wal_syncs() { psql -qtA "$SERVER_URL/$shop_db" -c "SELECT wal_sync FROM pg_stat_wal" 2>/dev/null || true; }
wal_before=$(wal_syncs)
# One checkout: a variant drawn from the seeded ones, 1 to 3 units, a key and an email of its own.
cat >"$work/checkout.json" <<'JSON'
{"email": "buyer-{unique}@example.com",
 "shipping_address": {"name": "Ada Lovelace", "line1": "1 Analytical St", "postal_code": "10001",
                      "city": "New York", "country": "US"},
 "shipping_method": "standard",
 "lines": [{"variant_id": "{pick}", "quantity": {int:1-3}}],
 "payment": {"card_number": "4242424242424242"}}
JSON
/usr/bin/time -f '%U %S' -o "$work/client.cpu" \
  "$LOADGEN" --addr "127.0.0.1:$PORT" --connections "$BUYERS" --duration "$DURATION" \
  --path /api/v1/checkout --body "$work/checkout.json" --picks "$work/variants.txt" \
  --header 'Content-Type: application/json' --header 'Idempotency-Key: bench-{unique}' \
  >"$work/load.txt"
# result rps p50 p99 non_2xx_3xx p90 p99.9 max requests 5xx
read -r rps p50 p99 others _ _ _ requests server_errors < <(sed -n 's/^result //p' "$work/load.txt")
created=$(( requests - others ))
orders_per_s=$(python3 -c "print(f'{$rps * $created / max(1, $requests):.1f}')")
client_cpu=$(awk '{print $1 + $2}' "$work/client.cpu")
server_ticks=$(( $(cpu_ticks "$server") - server_before ))
wal_after=$(wal_syncs)
backend_ticks=0
for pid in $(pgrep -f "^postgres: .* $shop_db " || true); do
  backend_ticks=$(( backend_ticks + $(cpu_ticks "$pid") - ${backend_before[$pid]:-0} ))
done
paid=$(psql -qtA "$SERVER_URL/$shop_db" -c "SELECT count(*) FROM orders WHERE state = 'paid'")
orders=$(psql -qtA "$SERVER_URL/$shop_db" -c "SELECT count(*) FROM orders")

# The reference: the same server, the same clients and duration, without the shop.
"$PGBENCH" -q -i -s 10 "$SERVER_URL/$pgbench_db" >"$work/pgbench-init.txt" 2>&1 \
  || { cat "$work/pgbench-init.txt" >&2; exit 1; }
pgbench_run() {  # pgbench_run NAME [ARGS…]: prints "tps average_latency_ms"
  local out="$work/pgbench-$1.txt"; shift
  "$PGBENCH" -n "$@" -c "$BUYERS" -j 2 -T "$DURATION" "$SERVER_URL/$pgbench_db" >"$out" 2>&1 \
    || { cat "$out" >&2; exit 1; }
  echo "$(sed -nE 's/^tps = ([0-9.]+) \(without initial connection time\)/\1/p' "$out")" \
    "$(sed -nE 's/^latency average = ([0-9.]+) ms/\1/p' "$out")"
}
read -r tpcb_tps tpcb_latency < <(pgbench_run tpcb)
read -r tps pg_latency < <(pgbench_run select -S)

echo
echo "Checkout benchmark: $BUYERS buyers, pool of $POOL connections, ${DURATION}s, $VARIANTS variants, PostgreSQL $(psql -qtA "$SERVER_URL/postgres" -c 'SHOW server_version')"
printf '%-40s %12s %10s %10s\n' run per_second p50_ms p99_ms
printf '%-40s %12s %10s %10s\n' "POST /api/v1/checkout (orders)" "$orders_per_s" "$p50" "$p99"
printf '%-40s %12s %10s %10s\n' "pgbench TPC-B-like (reference, transactions)" "${tpcb_tps%.*}" "avg $tpcb_latency" "-"
printf '%-40s %12s %10s %10s\n' "pgbench -S (ceiling, transactions)" "${tps%.*}" "avg $pg_latency" "-"
python3 - "$orders_per_s" "$tpcb_tps" "$tps" <<'PY'
import sys
orders, tpcb, select = (float(v) for v in sys.argv[1:4])
print(f"orders/s / pgbench TPC-B-like transactions/s: {100 * orders / tpcb:.1f} % (goal >= 50 %)")
print(f"orders/s / pgbench -S transactions/s: {100 * orders / select:.1f} %")
PY
python3 - "$created" "$server_ticks" "$backend_ticks" "$client_cpu" "$(getconf CLK_TCK)" <<'PY'
import sys
orders, server, backends, client, tick = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
per = lambda seconds: f"{1000 * seconds / orders:.3f}" if orders else "-"
print(f"CPU ms per order: showroom {per(server / tick)}, its PostgreSQL backends {per(backends / tick)}, "
      f"load generator {per(client)}")
PY
if [ -n "$wal_before" ] && [ -n "$wal_after" ] && [ "$created" -gt 0 ]; then
  python3 -c "print(f'WAL flushes per order (server-wide, group commit shares them): {($wal_after - $wal_before) / $created:.2f}')"
fi
echo "201 answers: $created, other answers: $others (5xx: $server_errors); orders in the database: $orders, paid: $paid"
echo "seeding $VARIANTS variants through the admin API: $seed_ms ms"

if [ "$others" != 0 ]; then
  echo "answers other than 2xx/3xx (first lines of the generator's report):" >&2; head -3 "$work/load.txt" >&2
fi
if [ "$server_errors" != 0 ]; then
  echo "FAIL: $server_errors checkouts answered 5xx; server log:" >&2; tail -50 "$work/server.log" >&2; exit 1
fi
if [ "$paid" != "$created" ]; then
  echo "FAIL: $paid paid orders in the database, but $created checkouts answered 201" >&2; exit 1
fi

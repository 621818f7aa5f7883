#!/usr/bin/env bash
# Abuse from one client address, against the demo-less shop on SQLite with its default settings
# (shield on, default rate limits and timeouts). For each binary it prints:
#
#  - logins accepted per second: 8 connections POST /api/v1/account/login with the right password
#    of one account (no cookie, so no CSRF token is needed: what a bot does), each an Argon2 hash;
#  - registrations accepted per second: the same right after, each with a fresh email;
#  - peak server memory (RSS) while N clients (100; 20 with BENCH_SMOKE=1) download a public
#    90 MB model at once, each at 20 MB/s, next to the memory before they started;
#  - how long a slow-header connection is kept: a request head trickled one header line per
#    second, until the server closes it (capped at 60 s; 20 s with BENCH_SMOKE=1).
#
# SHOWROOM_BIN is the binary under test ("after"); SHOWROOM_BIN_BEFORE, when set, is measured the
# same way first ("before", e.g. a build of main). The reference column is what the settings
# promise: the strict rate limit, the size of one copy of the file, the header-read timeout.
# Figures are printed, never asserted.
#
#   SHOWROOM_BIN=… SHOWROOM_BIN_BEFORE=… bash bench/abuse.sh
#   BENCH_SMOKE=1 SHOWROOM_BIN=… bash bench/abuse.sh        # short run (CI)
set -euo pipefail
cd "$(dirname "$0")/.."
SMOKE=${BENCH_SMOKE:-0}
DURATION=${BENCH_DURATION:-$([ "$SMOKE" = 1 ] && echo 2 || echo 5)}
CLIENTS=${ABUSE_CLIENTS:-$([ "$SMOKE" = 1 ] && echo 20 || echo 100)}
SLOW_CAP=${ABUSE_SLOW_CAP_SECS:-$([ "$SMOKE" = 1 ] && echo 20 || echo 60)}
MODEL_MB=90
PORT=${BENCH_PORT:-18491}
TOKEN=abuse-bench-admin-token

if [ -z "${SHOWROOM_BIN:-}" ]; then
  cargo build --release -q -p showroom
  SHOWROOM_BIN="${CARGO_TARGET_DIR:-target}/release/showroom"
fi

work=$(mktemp -d)
server=
trap '[ -n "$server" ] && { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; }; rm -rf "$work"' EXIT

start_server() { # binary data-dir
  SHOWROOM_LOG_LEVEL=warn SHOWROOM_HTTP__SHUTDOWN_DRAIN_SECS=0 SHOWROOM_ADMIN_TOKEN=$TOKEN \
    SHOWROOM_DATABASE_URL="sqlite://$2/showroom.db" SHOWROOM_STORAGE_URL="file://$2/objects" \
    SHOWROOM_ASSETS__WORKERS=0 \
    "$1" serve --listen "127.0.0.1:$PORT" >"$2/server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 600); do
    curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  echo "server did not become ready; log:" >&2; cat "$2/server.log" >&2; exit 1
}

stop_server() {
  kill -TERM "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; server=
}

# accepted_per_sec setup|login|register: makes the login account, or floods for DURATION and
# prints accepted/s and the status counts.
accepted_per_sec() {
  python3 - "$1" "$PORT" "$DURATION" <<'PY'
import collections, http.client, json, sys, threading, time, uuid
kind, port, duration = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
password = "correct horse battery staple 42"
def post(conn, path, body):
    conn.request("POST", path, json.dumps(body), {"Content-Type": "application/json"})
    response = conn.getresponse(); response.read()
    return response.status
email = "login-account@example.com"
if kind == "setup":
    setup = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    status = post(setup, "/api/v1/account/register", {"email": email, "password": password})
    assert status == 201, f"setting up the login account: {status}"
    sys.exit()
counts, lock = collections.Counter(), threading.Lock()
def worker(n):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    stop, i = time.monotonic() + duration, 0
    while time.monotonic() < stop:
        i += 1
        if kind == "register":
            body = {"email": f"bot-{n}-{i}-{uuid.uuid4().hex[:6]}@example.com", "password": password}
            path = "/api/v1/account/register"
        else:
            body, path = {"email": email, "password": password}, "/api/v1/account/login"
        try:
            status = post(conn, path, body)
        except Exception:
            status = "error"; conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        with lock:
            counts[status] += 1
threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
started = time.monotonic()
for t in threads: t.start()
for t in threads: t.join()
elapsed = time.monotonic() - started
accepted = counts[201] + counts[200]
summary = " ".join(f"{k}:{v}" for k, v in sorted(counts.items(), key=str))
print(f"{accepted / elapsed:.1f} {summary}")
PY
}

# publish_model data-dir: writes a MODEL_MB file straight into the object folder, shows it on a
# published product and prints its URL path.
publish_model() {
  python3 - "$1/objects" "$MODEL_MB" <<'PY'
import hashlib, os, sys
root, mb = sys.argv[1], int(sys.argv[2])
block = os.urandom(1024 * 1024)
data = b"glTF" + block * mb
digest = hashlib.sha256(data).hexdigest()
folder = os.path.join(root, "assets", digest[:2], digest)
os.makedirs(folder, exist_ok=True)
open(os.path.join(folder, "model.glb"), "wb").write(data)
print(digest)
PY
}

admin() { # method path [json]
  curl -fs -X "$1" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    ${3:+--data "$3"} "http://127.0.0.1:$PORT$2"
}

rss_mb() { awk '/^VmRSS/ {printf "%.0f", $2/1024}' "/proc/$server/status"; }

# download_peak_rss hash: CLIENTS concurrent downloads; prints "peak_MB before_MB ok_clients".
download_peak_rss() {
  local url="http://127.0.0.1:$PORT/assets/$1/model.glb" before peak pids=() ok=0
  before=$(rss_mb); peak=$before
  for _ in $(seq 1 "$CLIENTS"); do
    curl -s -o /dev/null -w '%{http_code} %{size_download}\n' --limit-rate 20M "$url" >>"$work/downloads.txt" &
    pids+=($!)
  done
  while :; do
    local now; now=$(rss_mb); [ "$now" -gt "$peak" ] && peak=$now
    local running=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && running=1 && break; done
    [ "$running" = 0 ] && break
    sleep 0.1
  done
  wait "${pids[@]}" 2>/dev/null || true
  ok=$(awk -v size=$((MODEL_MB * 1024 * 1024 + 4)) '$1 == 200 && $2 == size' "$work/downloads.txt" | wc -l)
  rm -f "$work/downloads.txt"
  echo "$peak $before $ok"
}

# slow_header_secs: seconds until the server closes a connection trickling its request head.
slow_header_secs() {
  python3 - "$PORT" "$SLOW_CAP" <<'PY'
import socket, sys, time
port, cap = int(sys.argv[1]), float(sys.argv[2])
s = socket.create_connection(("127.0.0.1", port))
s.sendall(b"GET /api/v1/products HTTP/1.1\r\nHost: 127.0.0.1\r\n")
started, i = time.monotonic(), 0
s.settimeout(1.0)
while time.monotonic() - started < cap:
    try:
        if s.recv(4096) == b"":
            print(f"{time.monotonic() - started:.1f}"); sys.exit()
    except socket.timeout:
        pass
    except OSError:
        print(f"{time.monotonic() - started:.1f}"); sys.exit()
    i += 1
    try:
        s.sendall(b"X-Trickle-%d: 1\r\n" % i)
    except OSError:
        print(f"{time.monotonic() - started:.1f}"); sys.exit()
print(f">{cap:.0f} (still open)")
PY
}

# measure label binary: runs every measurement on a fresh data folder, writes label.* files.
measure() {
  local label=$1 bin=$2 data="$work/$1"
  mkdir -p "$data/objects"
  start_server "$bin" "$data"
  # One account to log in to, made before any flood; then logins, then registrations (both
  # floods come from the same address, as an attacker's would).
  accepted_per_sec setup
  accepted_per_sec login >"$work/$label.login"
  accepted_per_sec register >"$work/$label.register"
  local hash product
  hash=$(publish_model "$data")
  product=$(admin POST /api/v1/admin/products '{"slug":"abuse-chair","title":"Abuse Chair","description":"A very large model"}' |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  admin POST "/api/v1/admin/products/$product/media" \
    "{\"kind\":\"model\",\"asset_hash\":\"$hash\",\"file_name\":\"model.glb\",\"alt\":\"3D\"}" >/dev/null
  admin POST "/api/v1/admin/products/$product/publish" >/dev/null
  download_peak_rss "$hash" >"$work/$label.rss"
  slow_header_secs >"$work/$label.slow"
  stop_server
}

[ -n "${SHOWROOM_BIN_BEFORE:-}" ] && measure before "$SHOWROOM_BIN_BEFORE"
measure after "$SHOWROOM_BIN"

field() { [ -f "$work/$1.$2" ] && awk -v n="$3" '{print $n}' "$work/$1.$2" || echo "-"; }
printf '\nabuse from one client address (%s s runs, %s download clients of a %s MB model)\n' "$DURATION" "$CLIENTS" "$MODEL_MB"
printf '%-40s %14s %14s   %s\n' "" before after reference
printf '%-40s %14s %14s   %s\n' "registrations accepted/s" "$(field before register 1)" "$(field after register 1)" "strict limit 0.5/s after a burst of 10"
printf '%-40s %14s %14s   %s\n' "logins accepted/s" "$(field before login 1)" "$(field after login 1)" "strict limit 0.5/s after a burst of 10"
printf '%-40s %14s %14s   %s\n' "server RSS before downloads (MB)" "$(field before rss 2)" "$(field after rss 2)" ""
printf '%-40s %14s %14s   %s\n' "peak server RSS during downloads (MB)" "$(field before rss 1)" "$(field after rss 1)" "one copy of the file: $MODEL_MB MB; $CLIENTS copies: $((CLIENTS * MODEL_MB)) MB"
printf '%-40s %14s %14s   %s\n' "downloads complete (of $CLIENTS)" "$(field before rss 3)" "$(field after rss 3)" ""
printf '%-40s %14s %14s   %s\n' "slow-header connection kept (s)" "$(cat "$work/before.slow" 2>/dev/null || echo -)" "$(cat "$work/after.slow")" "http.header_read_timeout_secs = 10"
printf '\nstatus counts: register before [%s] after [%s]; login before [%s] after [%s]\n' \
  "$(cut -d' ' -f2- "$work/before.register" 2>/dev/null)" "$(cut -d' ' -f2- "$work/after.register")" \
  "$(cut -d' ' -f2- "$work/before.login" 2>/dev/null)" "$(cut -d' ' -f2- "$work/after.login")"

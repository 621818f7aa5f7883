#!/usr/bin/env bash
# GLB delivery benchmark: one ~5 MB model (incompressible bytes, like a meshopt-compressed GLB)
# served at 64 connections by our release binary and by nginx with `sendfile on`, in the same
# script on the same machine. The model is written into the binary's storage layout
# (assets/<hash[0..2]>/<hash>/model.glb), attached through the admin API to a published demo
# product (so it is public and served with the immutable cache header), and hard-linked into
# nginx's root: both servers send the very same file. It prints requests/s and MB/s for each and
# our share of nginx's throughput. Target: >= 80 %. Figures are printed, never asserted.
#
#   bash bench/assets.sh                  # 10 s per server
#   BENCH_SMOKE=1 bash bench/assets.sh    # 2 s per server (CI)
#   SHOWROOM_BIN=path/to/showroom bash bench/assets.sh   # skip the build
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${BENCH_DURATION:-$([ "${BENCH_SMOKE:-0}" = 1 ] && echo 2 || echo 10)}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
PORT=${BENCH_PORT:-18490}
NGINX_PORT=$((PORT + 1))
MODEL_BYTES=${BENCH_MODEL_BYTES:-5000000}
TOKEN=bench-admin-token

install_if_missing() {
  if ! command -v "$1" >/dev/null && [ ! -x "/usr/sbin/$1" ]; then
    echo "installing $1 from Debian…"
    # nginx's package tries to start a system service on port 80; in a container without an
    # init system that may fail after the files are unpacked, which is all this script needs.
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1") >/dev/null || true
    if ! command -v "$1" >/dev/null && [ ! -x "/usr/sbin/$1" ]; then
      echo "could not install $1" >&2
      exit 1
    fi
  fi
}
install_if_missing wrk
install_if_missing nginx
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
if [ -z "${SHOWROOM_BIN:-}" ]; then
  cargo build --release -q -p showroom
  SHOWROOM_BIN="${CARGO_TARGET_DIR:-target}/release/showroom"
fi

work=$(mktemp -d)
# nginx's workers drop privileges: they must be able to read the file and its folders.
chmod 755 "$work"
server=""
nginx_pid=""
cleanup() {
  [ -n "$server" ] && { kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; }
  [ -n "$nginx_pid" ] && { kill "$nginx_pid" 2>/dev/null || true; wait "$nginx_pid" 2>/dev/null || true; }
  rm -rf "$work"
}
trap cleanup EXIT

# The binary on the demo catalog. The shield's rate limit is off: 64 connections from one
# address would otherwise be a flood, and this measures delivery, not the limiter.
SHOWROOM_LOG_LEVEL=warn SHOWROOM_HTTP__SHUTDOWN_DRAIN_SECS=0 SHOWROOM_ADMIN_TOKEN=$TOKEN \
  SHOWROOM_SHIELD__RATE_LIMIT__ENABLED=false \
  SHOWROOM_DATABASE_URL="sqlite://$work/showroom.db" SHOWROOM_STORAGE_URL="file://$work/objects" \
  "$SHOWROOM_BIN" serve --demo --listen "127.0.0.1:$PORT" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 600); do
  curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
  sleep 0.05
done
curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null || { echo "server did not become ready:" >&2; cat "$work/server.log" >&2; exit 1; }

# A valid GLB container: a JSON chunk declaring one buffer, and a BIN chunk of random bytes.
hash=$(python3 - "$work/objects" "$MODEL_BYTES" <<'PY'
import hashlib, json, os, struct, sys
root, total = sys.argv[1], int(sys.argv[2])
payload = os.urandom(max(total - 1024, 1024) // 4 * 4)
doc = json.dumps({"asset": {"version": "2.0", "generator": "showroom bench"},
                  "buffers": [{"byteLength": len(payload)}]}).encode()
doc += b" " * (-len(doc) % 4)
body = struct.pack("<II", len(doc), 0x4E4F534A) + doc + struct.pack("<II", len(payload), 0x004E4942) + payload
glb = struct.pack("<4sII", b"glTF", 2, 12 + len(body)) + body
digest = hashlib.sha256(glb).hexdigest()
folder = os.path.join(root, "assets", digest[:2], digest)
os.makedirs(folder, exist_ok=True)
with open(os.path.join(folder, "model.glb"), "wb") as f:
    f.write(glb)
print(digest)
PY
)
file="$work/objects/assets/${hash:0:2}/$hash/model.glb"
size=$(stat -c %s "$file")
product=$(curl -fs -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/admin/products?status=published&limit=1" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
curl -fs -o /dev/null -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d "{\"kind\":\"model\",\"asset_hash\":\"$hash\",\"file_name\":\"model.glb\",\"alt\":\"bench model\"}" \
  "http://127.0.0.1:$PORT/api/v1/admin/products/$product/media"
path="/assets/$hash/model.glb"

# nginx: the same file (a hard link, same inode) under the same path.
mkdir -p "$work/nginx/root/assets/$hash" "$work/nginx/logs"
ln "$file" "$work/nginx/root/assets/$hash/model.glb"
chmod -R a+rX "$work/objects" "$work/nginx"
cat >"$work/nginx/nginx.conf" <<CONF
worker_processes auto;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  types { model/gltf-binary glb; }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $work/nginx/root;
    location /assets/ { add_header Cache-Control "public, max-age=31536000, immutable"; }
  }
}
CONF
"$NGINX" -p "$work/nginx" -c "$work/nginx/nginx.conf" -g 'daemon off;' >"$work/nginx/logs/stdout.log" 2>&1 &
nginx_pid=$!
for _ in $(seq 1 100); do
  curl -fs -o /dev/null "http://127.0.0.1:$NGINX_PORT$path" && break
  sleep 0.05
done

for port in "$PORT" "$NGINX_PORT"; do
  got=$(curl -fs "http://127.0.0.1:$port$path" | wc -c)  # also warms the binary's memory copy
  [ "$got" = "$size" ] || { echo "port $port served $got bytes, expected $size" >&2; exit 1; }
done

# One wrk run: prints "requests/s MB/s non2xx".
measure() {
  wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" "$1" >"$work/wrk.txt"
  python3 - "$work/wrk.txt" "$size" <<'PY'
import re, sys
text, size = open(sys.argv[1]).read(), int(sys.argv[2])
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
print(f"{rps:.1f} {rps * size / 1e6:.0f} {errors.group(1) if errors else 0}")
PY
}

read -r ours_rps ours_mbs ours_err < <(measure "http://127.0.0.1:$PORT$path")
read -r nginx_rps nginx_mbs nginx_err < <(measure "http://127.0.0.1:$NGINX_PORT$path")

echo
echo "GLB delivery benchmark: $(( size / 1000 )) kB model, $CONNECTIONS connections, ${DURATION}s per server"
printf '%-30s %12s %10s %8s\n' server requests/s MB/s non2xx
printf '%-30s %12s %10s %8s\n' "showroom /assets" "$ours_rps" "$ours_mbs" "$ours_err"
printf '%-30s %12s %10s %8s\n' "nginx sendfile (reference)" "$nginx_rps" "$nginx_mbs" "$nginx_err"
python3 -c "import sys; o, n = float(sys.argv[1]), float(sys.argv[2]); print(f'showroom / nginx throughput: {100 * o / n:.0f} %   (target >= 80 %)')" "$ours_rps" "$nginx_rps"

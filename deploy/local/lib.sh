# Shared by deploy/local/up, deploy/local/down and the topology failure tests (source it).
#
# The local production topology, all on 127.0.0.1, every piece private to this topology:
#
#   client ─▶ nginx edge :EDGE_PORT ─▶ HAProxy :LB_PORT ─▶ showroom ×3 :APP_PORT_1..3
#             (caches /assets, /static)  (/readyz checks,      │  │  │
#                                          retries, redispatch)  ▼  ▼  ▼
#                       PostgreSQL :PG_PORT (pg_ctl, own data dir) · Redis :REDIS_PORT (own
#                       redis-server) · S3 :S3_PORT (moto server, one bucket shared over s3://)
#
# Every process started is recorded as a pid file in $LOCAL_DIR/run, so `down` stops exactly
# those and nothing else (the machine's own PostgreSQL and Redis are never touched).

LOCAL_DIR="${SHOWROOM_LOCAL_DIR:-/var/tmp/showroom-local}"
PORT_BASE="${SHOWROOM_LOCAL_PORT_BASE:-18600}"
LB_PORT=$PORT_BASE                   # HAProxy
LB_STATS_PORT=$((PORT_BASE + 9))     # HAProxy stats page
EDGE_PORT=$((PORT_BASE + 80))        # nginx edge cache: the shop's front door
PG_PORT=$((PORT_BASE + 32))          # private PostgreSQL
REDIS_PORT=$((PORT_BASE + 79))       # private Redis
S3_PORT=$((PORT_BASE + 90))          # moto S3 server
INSTANCES=3
BUCKET=showroom-local
ADMIN_TOKEN="${SHOWROOM_LOCAL_ADMIN_TOKEN:-local-admin-token}"
ORIGIN_SECRET=local-edge-origin-secret
VENV="${SHOWROOM_LOCAL_VENV:-/var/tmp/showroom-local-venv}"
MOTO_PIN='moto[server]==5.2.1'
RUN="$LOCAL_DIR/run"
LOGS="$LOCAL_DIR/logs"
PG_BIN="$(dirname "$(readlink -f "$(command -v pg_ctl || echo /usr/lib/postgresql/15/bin/pg_ctl)")")"

app_port() { echo $((PORT_BASE + $1)); }
edge_url() { echo "http://127.0.0.1:$EDGE_PORT"; }
lb_url() { echo "http://127.0.0.1:$LB_PORT"; }
app_url() { echo "http://127.0.0.1:$(app_port "$1")"; }
database_url() { echo "postgres://showroom@127.0.0.1:$PG_PORT/showroom"; }

log() { printf '[local %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# wait_for DESCRIPTION SECONDS COMMAND…: polls every 0.1 s.
wait_for() {
  local what=$1 seconds=$2; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || { log "timed out waiting for $what"; return 1; }
    sleep 0.1
  done
}

http_ok() { curl -fsS -o /dev/null --max-time 2 "$1"; }

pid_of() { cat "$RUN/$1.pid" 2>/dev/null || true; }
alive() { local pid; pid=$(pid_of "$1"); [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; }

# start_bg NAME COMMAND…: runs COMMAND in the background, its output in $LOGS/NAME.log.
start_bg() {
  local name=$1; shift
  setsid "$@" >>"$LOGS/$name.log" 2>&1 < /dev/null &
  echo $! >"$RUN/$name.pid"
}

# stop_bg NAME [SIGNAL]: signals the recorded process, waits up to 20 s, then kills it.
stop_bg() {
  local name=$1 signal=${2:-TERM} pid
  pid=$(pid_of "$name")
  [ -n "$pid" ] || return 0
  kill "-$signal" "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + 20))
  while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$RUN/$name.pid"
}

# --- PostgreSQL: a private cluster run by the postgres user (initdb refuses root) ------------
pg() { runuser -u postgres -- "$PG_BIN/$1" "${@:2}"; }
pg_start() {
  pg pg_ctl -D "$LOCAL_DIR/pg" -l "$LOGS/postgres.log" -w -t 30 \
    -o "-p $PG_PORT -k $LOCAL_DIR/pg-socket -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
}
pg_stop() { pg pg_ctl -D "$LOCAL_DIR/pg" -m fast -w -t 30 stop >/dev/null; }
pg_running() { [ -d "$LOCAL_DIR/pg" ] && pg pg_ctl -D "$LOCAL_DIR/pg" status >/dev/null 2>&1; }

# --- Redis ------------------------------------------------------------------------------------
redis_start() {
  start_bg redis redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
    --dir "$LOCAL_DIR"
  wait_for "redis" 10 redis-cli -p "$REDIS_PORT" ping
}
redis_stop() { stop_bg redis TERM; }

# --- Showroom instances -----------------------------------------------------------------------
instance_env() {
  cat <<ENV
SHOWROOM_LISTEN=127.0.0.1:$(app_port "$1")
SHOWROOM_DATABASE_URL=$(database_url)
SHOWROOM_CACHE_URL=redis://127.0.0.1:$REDIS_PORT
SHOWROOM_STORAGE_URL=s3://$BUCKET
AWS_ENDPOINT_URL=http://127.0.0.1:$S3_PORT
AWS_ACCESS_KEY_ID=local
AWS_SECRET_ACCESS_KEY=local
AWS_REGION=us-east-1
SHOWROOM_ADMIN_TOKEN=$ADMIN_TOKEN
SHOWROOM_ASSET_BASE_URL=$(edge_url)
SHOWROOM_ASSET_ORIGIN_SECRET=$ORIGIN_SECRET
SHOWROOM_HTTP__SHUTDOWN_DRAIN_SECS=${SHOWROOM_LOCAL_DRAIN_SECS:-3}
SHOWROOM_SHIELD__TRUSTED_PROXIES=127.0.0.1/32
SHOWROOM_SHIELD__RATE_LIMIT__GENERAL_PER_SEC=${SHOWROOM_LOCAL_RATE:-100000}
SHOWROOM_SHIELD__RATE_LIMIT__GENERAL_BURST=${SHOWROOM_LOCAL_RATE:-100000}
SHOWROOM_SHIELD__RATE_LIMIT__STRICT_PER_SEC=${SHOWROOM_LOCAL_RATE:-100000}
SHOWROOM_SHIELD__RATE_LIMIT__STRICT_BURST=${SHOWROOM_LOCAL_RATE:-100000}
SHOWROOM_ASSETS__WORKERS=1
SHOWROOM_LOG_FORMAT=json
SHOWROOM_LOG_LEVEL=${SHOWROOM_LOCAL_LOG_LEVEL:-warn,showroom=info}
ENV
}

instance_start() {
  local n=$1
  instance_env "$n" >"$RUN/instance-$n.env"
  # shellcheck disable=SC2046
  start_bg "instance-$n" env $(cat "$RUN/instance-$n.env") "$SHOWROOM_BIN" serve ${2:-}
}
instance_ready() { http_ok "$(app_url "$1")/readyz"; }
instance_wait() { wait_for "instance $1 ready" "${2:-60}" instance_ready "$1"; }

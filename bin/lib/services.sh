# shellcheck shell=bash
# PostgreSQL, Redis and the Python Confluent client for bin/test and bin/stack (sourced, not run).
#
# Policy, the same for both servers: use the configured address if it answers (and, for PostgreSQL,
# accepts the configured user without a password); else reuse a private instance under .work/ that
# is already running; else start one on a free loopback port, installing Debian's package first
# when its binaries are missing. Only instances started under .work/ are ever stopped.
#
# Inputs (environment, with defaults):
#   FHIRFLOW_PG_HOST=127.0.0.1 FHIRFLOW_PG_PORT=5432 FHIRFLOW_PG_DB=test FHIRFLOW_PG_USER=postgres
#   FHIRFLOW_REDIS_HOST=127.0.0.1 FHIRFLOW_REDIS_PORT=6379
#   FHIRFLOW_STACK_WORK_DIR=<repo>/.work
# Outputs (set by the ensure_* functions): FHIRFLOW_PG_URL (JDBC), FHIRFLOW_REDIS_URL.

: "${FHIRFLOW_STACK_WORK_DIR:=$(pwd)/.work}"
: "${FHIRFLOW_PG_HOST:=127.0.0.1}" "${FHIRFLOW_PG_PORT:=5432}" "${FHIRFLOW_PG_DB:=test}" "${FHIRFLOW_PG_USER:=postgres}"
: "${FHIRFLOW_REDIS_HOST:=127.0.0.1}" "${FHIRFLOW_REDIS_PORT:=6379}"

# Private instances started by this shell (stop_started_services stops exactly these).
FHIRFLOW_STARTED_SERVICES=()

log() { printf '[fhirflow] %s\n' "$*" >&2; }

# True when something accepts TCP connections on host:port.
port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# First loopback port at or above $1 that nothing listens on.
free_port() {
  local p=$1
  while port_open 127.0.0.1 "$p"; do p=$((p + 1)); done
  echo "$p"
}

# Root installs directly; otherwise sudo without a password prompt, or a clear failure.
as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo -n "$@"
  else log "need root to run: $*"; return 1
  fi
}

APT_UPDATED=
apt_install() {
  log "installing Debian packages: $*"
  export DEBIAN_FRONTEND=noninteractive
  # Other builds on the machine may hold the dpkg lock for a while; wait instead of failing.
  if [ -z "$APT_UPDATED" ]; then
    as_root apt-get -o DPkg::Lock::Timeout=600 -qq update && APT_UPDATED=1
  fi
  as_root apt-get -o DPkg::Lock::Timeout=600 -qq install -y --no-install-recommends "$@" >/dev/null
}

# ---------------------------------------------------------------- Redis

redis_answers() { # host port
  local reply
  (exec 3<>"/dev/tcp/$1/$2" && printf 'PING\r\n' >&3 && IFS= read -r -t 3 reply <&3 && [ "${reply%$'\r'}" = "+PONG" ]) 2>/dev/null
}

ensure_redis() {
  local dir="$FHIRFLOW_STACK_WORK_DIR/redis"
  if redis_answers "$FHIRFLOW_REDIS_HOST" "$FHIRFLOW_REDIS_PORT"; then
    FHIRFLOW_REDIS_URL="redis://$FHIRFLOW_REDIS_HOST:$FHIRFLOW_REDIS_PORT"
    log "Redis: using $FHIRFLOW_REDIS_URL"
    return
  fi
  if [ -f "$dir/port" ] && redis_answers 127.0.0.1 "$(cat "$dir/port")"; then
    FHIRFLOW_REDIS_URL="redis://127.0.0.1:$(cat "$dir/port")"
    log "Redis: using the private instance at $FHIRFLOW_REDIS_URL"
    return
  fi
  command -v redis-server >/dev/null || apt_install redis-server
  local port
  port=$(free_port 56379)
  mkdir -p "$dir"
  # Nothing persisted: the development stack's Redis is a cache the topology rewrites.
  redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --save "" --appendonly no \
    --dir "$dir" --pidfile "$dir/redis.pid" --logfile "$dir/redis.log"
  echo "$port" >"$dir/port"
  local i
  for i in $(seq 1 50); do redis_answers 127.0.0.1 "$port" && break; sleep 0.2; done
  redis_answers 127.0.0.1 "$port" || { log "Redis did not start; see $dir/redis.log"; return 1; }
  FHIRFLOW_STARTED_SERVICES+=(redis)
  FHIRFLOW_REDIS_URL="redis://127.0.0.1:$port"
  log "Redis: started a private instance at $FHIRFLOW_REDIS_URL (data in $dir)"
}

stop_private_redis() {
  local dir="$FHIRFLOW_STACK_WORK_DIR/redis" pid
  [ -f "$dir/redis.pid" ] || return 0
  pid=$(cat "$dir/redis.pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    local i
    for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  fi
  rm -f "$dir/redis.pid" "$dir/port"
  log "Redis: private instance stopped"
}

private_redis_status() {
  local dir="$FHIRFLOW_STACK_WORK_DIR/redis"
  if [ -f "$dir/port" ] && redis_answers 127.0.0.1 "$(cat "$dir/port")"; then
    echo "redis      private  redis://127.0.0.1:$(cat "$dir/port")"
  elif redis_answers "$FHIRFLOW_REDIS_HOST" "$FHIRFLOW_REDIS_PORT"; then
    echo "redis      external redis://$FHIRFLOW_REDIS_HOST:$FHIRFLOW_REDIS_PORT"
  else
    echo "redis      down"
  fi
}

# ---------------------------------------------------------------- PostgreSQL

pg_bin_dir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

# pg_isready/psql from the newest server package, else from PATH.
pg_tool() {
  local bin
  bin=$(pg_bin_dir)
  if [ -n "$bin" ] && [ -x "$bin/$1" ]; then echo "$bin/$1"; else command -v "$1"; fi
}

# True when host:port accepts the user without a password on database $FHIRFLOW_PG_DB.
pg_answers() { # host port
  local psql
  psql=$(pg_tool psql) || return 1
  [ -n "$psql" ] || return 1
  PGCONNECT_TIMEOUT=3 "$psql" -w -X -q -h "$1" -p "$2" -U "$FHIRFLOW_PG_USER" -d "$FHIRFLOW_PG_DB" \
    -c 'select 1' >/dev/null 2>&1
}

# PostgreSQL refuses to run as root; as root the private server runs as the `postgres` account.
as_pg() {
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres
    runuser -u postgres -- "$@"
  else "$@"
  fi
}

# Fallback folder for a checkout the postgres account cannot write to (a clone under /root).
pg_fallback_dir() { echo "/tmp/fhirflow-pg-$(printf '%s' "$FHIRFLOW_STACK_WORK_DIR" | cksum | cut -d' ' -f1)"; }

# Creates and returns the private instance's folder: .work/pg when the postgres account can write
# there, else pg_fallback_dir.
pg_private_dir() {
  local dir="$FHIRFLOW_STACK_WORK_DIR/pg"
  if [ "$(id -u)" = 0 ]; then
    mkdir -p "$dir" && chown postgres "$dir" 2>/dev/null || true
    if ! as_pg test -w "$dir" 2>/dev/null; then
      dir=$(pg_fallback_dir)
      mkdir -p "$dir" && chown postgres "$dir"
    fi
  else
    mkdir -p "$dir"
  fi
  echo "$dir"
}

# The private instance's folder if one was ever made; creates nothing.
pg_existing_dir() {
  local dir
  for dir in "$FHIRFLOW_STACK_WORK_DIR/pg" "$(pg_fallback_dir)"; do
    if [ -d "$dir/data" ]; then echo "$dir"; return; fi
  done
}

ensure_postgres() {
  if pg_answers "$FHIRFLOW_PG_HOST" "$FHIRFLOW_PG_PORT"; then
    FHIRFLOW_PG_URL="jdbc:postgresql://$FHIRFLOW_PG_HOST:$FHIRFLOW_PG_PORT/$FHIRFLOW_PG_DB?user=$FHIRFLOW_PG_USER"
    log "PostgreSQL: using $FHIRFLOW_PG_HOST:$FHIRFLOW_PG_PORT/$FHIRFLOW_PG_DB"
    return
  fi
  [ -n "$(pg_bin_dir)" ] || apt_install postgresql
  id postgres >/dev/null 2>&1 || [ "$(id -u)" != 0 ] || as_pg true
  local dir port
  dir=$(pg_private_dir)
  if [ -f "$dir/port" ] && pg_answers 127.0.0.1 "$(cat "$dir/port")"; then
    port=$(cat "$dir/port")
    FHIRFLOW_PG_URL="jdbc:postgresql://127.0.0.1:$port/$FHIRFLOW_PG_DB?user=$FHIRFLOW_PG_USER"
    log "PostgreSQL: using the private instance on 127.0.0.1:$port"
    return
  fi
  local bin
  bin=$(pg_bin_dir)
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    as_pg "$bin/initdb" -D "$dir/data" -U "$FHIRFLOW_PG_USER" --auth=trust -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 \
      || { log "initdb failed; see $dir/initdb.log"; return 1; }
  fi
  port=$(free_port 55432)
  # TCP on loopback only, no Unix socket: nothing else on the machine is disturbed.
  as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/data/server.log" -w -t 60 \
    -o "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=''" start >/dev/null \
    || { log "PostgreSQL did not start; see $dir/data/server.log"; return 1; }
  echo "$port" >"$dir/port"
  "$(pg_tool psql)" -w -X -q -h 127.0.0.1 -p "$port" -U "$FHIRFLOW_PG_USER" -d postgres \
    -c "create database \"$FHIRFLOW_PG_DB\"" >/dev/null 2>&1 || true
  pg_answers 127.0.0.1 "$port" || { log "PostgreSQL started but does not accept connections"; return 1; }
  FHIRFLOW_STARTED_SERVICES+=(postgres)
  FHIRFLOW_PG_URL="jdbc:postgresql://127.0.0.1:$port/$FHIRFLOW_PG_DB?user=$FHIRFLOW_PG_USER"
  log "PostgreSQL: started a private instance on 127.0.0.1:$port (data in $dir/data)"
}

stop_private_postgres() {
  local dir
  dir=$(pg_existing_dir)
  [ -n "$dir" ] || return 0
  rm -f "$dir/port"
  [ -f "$dir/data/postmaster.pid" ] || return 0
  as_pg "$(pg_bin_dir)/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
  log "PostgreSQL: private instance stopped"
}

private_postgres_status() {
  local dir
  dir=$(pg_existing_dir)
  if [ -n "$dir" ] && [ -f "$dir/port" ] && pg_answers 127.0.0.1 "$(cat "$dir/port")"; then
    echo "postgres   private  127.0.0.1:$(cat "$dir/port")/$FHIRFLOW_PG_DB"
  elif pg_answers "$FHIRFLOW_PG_HOST" "$FHIRFLOW_PG_PORT"; then
    echo "postgres   external $FHIRFLOW_PG_HOST:$FHIRFLOW_PG_PORT/$FHIRFLOW_PG_DB"
  else
    echo "postgres   down"
  fi
}

# Stops the private instances this shell started (bin/test's exit trap).
stop_started_services() {
  local s
  for s in "${FHIRFLOW_STARTED_SERVICES[@]}"; do
    case $s in
      redis) stop_private_redis ;;
      postgres) stop_private_postgres ;;
    esac
  done
  FHIRFLOW_STARTED_SERVICES=()
}

# ---------------------------------------------------------------- Python Confluent client

PYTHON_CLIENT_PACKAGES=(python3-confluent-kafka python3-avro python3-requests)

python_client_present() {
  [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import confluent_kafka.avro, avro, requests' 2>/dev/null
}

# The compatibility IT drives Debian's python3-confluent-kafka; install it when missing.
ensure_python_client() {
  python_client_present && return 0
  apt_install "${PYTHON_CLIENT_PACKAGES[@]}" || return 1
  python_client_present
}

# ---------------------------------------------------------------- promtool

# dist/checks runs promtool (Debian's prometheus package) on the alert rules and their unit tests.
ensure_promtool() {
  command -v promtool >/dev/null 2>&1 && return 0
  apt_install prometheus || return 1
  command -v promtool >/dev/null 2>&1
}

# ---------------------------------------------------------------- Chromium

# fhir-api's TrendsPageIT drives Debian's Chromium through chromedriver.
ensure_chromium() {
  [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] && return 0
  apt_install chromium chromium-driver || return 1
  [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]
}

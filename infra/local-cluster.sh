#!/usr/bin/env bash
# CareFlow as several replicas on loopback, without containers: a private PostgreSQL instance,
# two `careflow serve` replicas, one `careflow worker` and nginx in front, configured like
# infra/compose.yaml (shared settings from infra/careflow.env, the proxy rendered from
# infra/nginx/careflow.conf).
#
#   infra/local-cluster.sh up | down | status
#   infra/local-cluster.sh careflow audit verify          (any careflow command, cluster's settings)
#   infra/local-cluster.sh kill-replica N | start-replica N | db-stop | db-start   (chaos helpers)
#
# Everything lives under the state folder CAREFLOW_CLUSTER_DIR (default ./data/cluster): the
# database files, the replicas' data folder, generated secrets, logs, pid files, the rendered
# nginx configuration. `down` stops exactly the processes whose pid files are there.
# The system PostgreSQL and the system nginx are never touched.
#
# Environment: CAREFLOW_BIN (default .build/debug/careflow), CAREFLOW_CLUSTER_DIR,
# CAREFLOW_CLUSTER_PORT (base port, default 18000: nginx 18080 http / 18443 https, replicas
# 18081 and 18082, PostgreSQL 18432), CAREFLOW_TENANTS_DIR (default ./tenants). Settings set
# in the caller's environment win over infra/careflow.env, as compose's `environment:` does.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
state=${CAREFLOW_CLUSTER_DIR:-$repo/data/cluster}
mkdir -p "$state"
state=$(cd "$state" && pwd)
bin=${CAREFLOW_BIN:-$repo/.build/debug/careflow}
base=${CAREFLOW_CLUSTER_PORT:-18000}
http_port=$((base + 80))
https_port=$((base + 443))
pg_port=$((base + 432))
replica_ports=($((base + 81)) $((base + 82)))
pg_dir=$state/postgres
run=$state/run
logs=$state/logs
secrets=$state/secrets

die() { echo "local-cluster: $*" >&2; exit 1; }
say() { echo "local-cluster: $*"; }

pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [[ -n $dir ]] || die "PostgreSQL server binaries not found (apt-get install postgresql)"
  echo "$dir"
}

# PostgreSQL refuses to run as root: as root, its commands run as the `postgres` user.
as_pg() {
  if ((EUID == 0)); then runuser -u postgres -- "$@"; else "$@"; fi
}

# Runs a command detached: its own session, no inherited descriptors beyond the log file, so a
# caller reading this script's output through a pipe is not held open by the daemons.
detached() {
  local log=$1; shift
  (
    for fd in $(ls /proc/$BASHPID/fd); do
      if ((fd > 2)); then eval "exec $fd>&-" 2>/dev/null || true; fi
    done
    exec setsid "$@" </dev/null >>"$log" 2>&1
  ) &
  echo $!
}

alive() { [[ -f $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

http_status() {
  curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$1" 2>/dev/null || true
}

wait_http() {
  local url=$1 seconds=$2
  for ((i = 0; i < seconds * 4; i++)); do
    [[ $(http_status "$url") == 200 ]] && return 0
    sleep 0.25
  done
  return 1
}

# --- configuration -----------------------------------------------------------------------

secret() {
  local file=$secrets/$1
  if [[ ! -s $file ]]; then
    (umask 077; mkdir -p "$secrets"; eval "$2" >"$file")
  fi
  cat "$file"
}

# The environment of every careflow process: infra/careflow.env (unless the caller set the
# variable), then what compose sets per container, with loopback values.
load_environment() {
  local key value
  while IFS= read -r line || [[ -n $line ]]; do
    [[ $line =~ ^[[:space:]]*(#|$) ]] && continue
    key=${line%%=*}; value=${line#*=}
    [[ $key =~ ^[A-Z_][A-Z0-9_]*$ ]] || die "infra/careflow.env: bad line: $line"
    [[ -n ${!key+x} ]] || export "$key=$value"
  done <"$repo/infra/careflow.env"
  local password app_password
  password=$(secret postgres_password 'openssl rand -hex 24')
  app_password=$(secret postgres_app_password 'openssl rand -hex 24')
  # As compose: the processes connect as careflow_app, which owns nothing and cannot bypass
  # row-level security; only `migrate` gets the tables' owner, and grants careflow_app its rows.
  export DATABASE_URL="postgres://careflow_app:$app_password@127.0.0.1:$pg_port/careflow"
  unset DATABASE_MIGRATION_URL
  owner_url="postgres://careflow:$password@127.0.0.1:$pg_port/careflow"
  export CAREFLOW_MASTER_KEYS
  CAREFLOW_MASTER_KEYS=$(secret careflow_master_keys "openssl rand -base64 32 | tr '+/' '-_'")
  export CAREFLOW_METRICS_TOKEN
  CAREFLOW_METRICS_TOKEN=$(secret metrics_token 'openssl rand -hex 32')
  export CAREFLOW_DATA_DIR=$state/data
  export CAREFLOW_TENANTS_DIR=${CAREFLOW_TENANTS_DIR:-$repo/tenants}
  export CAREFLOW_RESOURCES_DIR=${CAREFLOW_RESOURCES_DIR:-$repo/Resources}
  export CAREFLOW_MODELS_DIR=${CAREFLOW_MODELS_DIR:-$repo/Models}
  export CAREFLOW_PUBLIC_URL=${CAREFLOW_PUBLIC_URL:-https://127.0.0.1:$https_port}
  # nginx reaches the replicas from loopback: believe its X-Forwarded-For (compose: the edge range).
  export CAREFLOW_TRUSTED_PROXIES=${CAREFLOW_TRUSTED_PROXIES:-127.0.0.1/32}
  export LOG_LEVEL=${LOG_LEVEL:-info}
  mkdir -p "$CAREFLOW_DATA_DIR" "$run" "$logs"
}

# --- PostgreSQL --------------------------------------------------------------------------

db_start() {
  local pgbin; pgbin=$(pg_bin)
  if [[ ! -s $pg_dir/PG_VERSION ]]; then
    local password; password=$(secret postgres_password 'openssl rand -hex 24')
    mkdir -p "$pg_dir"
    local pwfile=$state/.pwfile
    (umask 077; echo "$password" >"$pwfile")
    if ((EUID == 0)); then chown postgres "$pg_dir" "$pwfile"; fi
    chmod 0700 "$pg_dir"
    # As compose's postgres service: superuser `careflow`, scram over TCP, data checksums.
    as_pg "$pgbin/initdb" -D "$pg_dir" -U careflow --pwfile="$pwfile" --auth-local=peer --auth-host=scram-sha-256 \
      --data-checksums -E UTF8 --locale=C.UTF-8 >"$logs/initdb.log" 2>&1 || { rm -f "$pwfile"; cat "$logs/initdb.log" >&2; die "initdb failed"; }
    rm -f "$pwfile"
    cat >>"$pg_dir/postgresql.conf" <<EOF
# local-cluster.sh: loopback only, on its own port, socket in its own folder.
listen_addresses = '127.0.0.1'
port = $pg_port
unix_socket_directories = '$pg_dir'
max_connections = 200
EOF
    local fresh=1
  fi
  touch "$logs/postgres.log"
  if ((EUID == 0)); then chown postgres "$logs/postgres.log"; fi
  if ! as_pg "$pgbin/pg_ctl" -D "$pg_dir" status >/dev/null 2>&1; then
    # pg_ctl forks the server; its descriptors must not hold the caller's pipe.
    (
      for fd in $(ls /proc/$BASHPID/fd); do
        if ((fd > 2)); then eval "exec $fd>&-" 2>/dev/null || true; fi
      done
      as_pg "$pgbin/pg_ctl" -D "$pg_dir" -l "$logs/postgres.log" -w -t 60 start </dev/null >>"$logs/pg_ctl.log" 2>&1
    ) || { tail -20 "$logs/postgres.log" >&2; die "PostgreSQL did not start"; }
  fi
  if [[ ${fresh:-0} == 1 ]]; then
    PGPASSWORD=$(secret postgres_password 'openssl rand -hex 24') \
      "$pgbin/psql" -h 127.0.0.1 -p "$pg_port" -U careflow -d postgres -qAt -c 'CREATE DATABASE careflow' >/dev/null
  fi
  # The application's role, as infra/postgres/10-careflow-app-role.sh makes it for compose (also
  # for a state folder made before the role existed).
  PGPASSWORD=$(secret postgres_password 'openssl rand -hex 24') \
    "$pgbin/psql" -h 127.0.0.1 -p "$pg_port" -U careflow -d careflow -qAt -v ON_ERROR_STOP=1 \
    --set=role=careflow_app --set=password="$(secret postgres_app_password 'openssl rand -hex 24')" >/dev/null <<'SQL'
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE', :'role', :'password')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role')\gexec
SQL
}

db_stop() {
  local pgbin; pgbin=$(pg_bin)
  [[ -s $pg_dir/PG_VERSION ]] || return 0
  if as_pg "$pgbin/pg_ctl" -D "$pg_dir" status >/dev/null 2>&1; then
    # fast: roll back open transactions and disconnect, as a restart for maintenance does.
    as_pg "$pgbin/pg_ctl" -D "$pg_dir" -m fast -w -t 60 stop >>"$logs/pg_ctl.log" 2>&1
  fi
}

# --- careflow processes ------------------------------------------------------------------

start_replica() {
  local n=$1 port=${replica_ports[$(($1 - 1))]}
  alive "$run/replica$n.pid" && return 0
  detached "$logs/replica$n.log" "$bin" serve --hostname 127.0.0.1 --port "$port" >"$run/replica$n.pid"
  wait_http "http://127.0.0.1:$port/health" 90 || { tail -20 "$logs/replica$n.log" >&2; die "replica $n did not become healthy"; }
}

start_worker() {
  alive "$run/worker.pid" && return 0
  (cd "$repo" && detached "$logs/worker.log" "$bin" worker) >"$run/worker.pid"
}

stop_pid() {
  local file=$1 signal=${2:-TERM}
  [[ -f $file ]] || return 0
  local pid; pid=$(cat "$file")
  if kill -0 "$pid" 2>/dev/null; then
    kill "-$signal" "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$file"
}

# --- nginx -------------------------------------------------------------------------------

nginx_version_at_least() {
  local have; have=$(nginx -v 2>&1 | sed -n 's|.*nginx/\([0-9.]*\).*|\1|p')
  [[ $(printf '%s\n%s\n' "$1" "$have" | sort -V | head -1) == "$1" ]]
}

# infra/nginx/careflow.conf with loopback addresses, ports and paths. Each substitution must
# match: if the compose file's proxy configuration changes shape, this fails instead of
# silently serving something else.
render_nginx() {
  local dir=$state/nginx src=$repo/infra/nginx/careflow.conf
  mkdir -p "$dir/certs" "$dir/logs" "$dir/temp" "$dir/acme"
  if [[ ! -s $dir/certs/privkey.pem ]]; then
    (umask 077; openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=localhost" \
      -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
      -keyout "$dir/certs/privkey.pem" -out "$dir/certs/fullchain.pem" >/dev/null 2>&1) || die "openssl failed"
  fi
  local servers="" port
  for port in "${replica_ports[@]}"; do servers+="    server 127.0.0.1:$port \\1;\\n"; done
  local http2_listen="" http2_line='http2 on;'
  # `http2 on;` is nginx >= 1.25.1; older ones (Debian 12's 1.22) take it on the listen line.
  if ! nginx_version_at_least 1.25.1; then http2_listen=" http2"; http2_line=""; fi
  local sed_script=(
    -e '/^resolver /d' -e '/^resolver_timeout /d'
    -e "s|^    server gateway:8080 resolve \(.*\);\$|$servers|"
    -e "s|^    listen 8080;|    listen 127.0.0.1:$http_port;|"
    -e "s|^    listen 8443 ssl;|    listen 127.0.0.1:$https_port ssl$http2_listen;|"
    -e "s|^    http2 on;|    $http2_line|"
    -e "s|https://\$host:8443\$request_uri|https://\$host:$https_port\$request_uri|"
    -e "s|/etc/nginx/certs/|$dir/certs/|g"
    -e "s|/var/log/nginx/|$dir/logs/|g"
    -e "s|/var/www/acme|$dir/acme|"
  )
  sed "${sed_script[@]}" "$src" >"$dir/careflow.conf"
  local expect
  for expect in "listen 127.0.0.1:$http_port;" "listen 127.0.0.1:$https_port ssl" "server 127.0.0.1:${replica_ports[1]} " \
    "https://\$host:$https_port" "$dir/certs/fullchain.pem" "$dir/logs/access.log"; do
    grep -qF "$expect" "$dir/careflow.conf" || die "infra/nginx/careflow.conf changed shape: '$expect' not rendered; update render_nginx"
  done
  if sed 's/#.*//' "$dir/careflow.conf" | grep -nE 'gateway:8080|/etc/nginx|/var/log/nginx|127\.0\.0\.11' >&2; then
    die "infra/nginx/careflow.conf: container-only settings left after rendering; update render_nginx"
  fi
  local user_line=""
  if ((EUID == 0)); then
    user_line="user nobody nogroup;"
    chown -R nobody "$dir/temp"
  fi
  cat >"$dir/nginx.conf" <<EOF
# Rendered by infra/local-cluster.sh; a private instance, not the system nginx.
$user_line
worker_processes 2;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
events { worker_connections 1024; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path $dir/temp/body;
    proxy_temp_path $dir/temp/proxy;
    fastcgi_temp_path $dir/temp/fastcgi;
    uwsgi_temp_path $dir/temp/uwsgi;
    scgi_temp_path $dir/temp/scgi;
    include $dir/careflow.conf;
}
EOF
  nginx -t -q -p "$dir" -e "$dir/logs/error.log" -c "$dir/nginx.conf" || die "nginx rejected the rendered configuration"
}

start_nginx() {
  local dir=$state/nginx
  alive "$dir/nginx.pid" && return 0
  render_nginx
  (
    for fd in $(ls /proc/$BASHPID/fd); do
      if ((fd > 2)); then eval "exec $fd>&-" 2>/dev/null || true; fi
    done
    nginx -p "$dir" -e "$dir/logs/error.log" -c "$dir/nginx.conf" </dev/null >>"$logs/nginx.log" 2>&1
  ) || die "nginx did not start: $(tail -5 "$dir/logs/error.log")"
  wait_http "http://127.0.0.1:$http_port/nginx-health" 20 || die "nginx is not answering"
}

stop_nginx() {
  local dir=$state/nginx
  alive "$dir/nginx.pid" || return 0
  nginx -p "$dir" -e "$dir/logs/error.log" -c "$dir/nginx.conf" -s quit 2>/dev/null || kill "$(cat "$dir/nginx.pid")"
  for _ in $(seq 1 40); do alive "$dir/nginx.pid" || break; sleep 0.25; done
}

# --- commands ----------------------------------------------------------------------------

up() {
  [[ -x $bin ]] || die "$bin is not executable: run swift build (or set CAREFLOW_BIN)"
  command -v nginx >/dev/null || die "nginx is not installed (apt-get install nginx)"
  load_environment
  db_start
  say "PostgreSQL on 127.0.0.1:$pg_port ($pg_dir)"
  (cd "$repo" && DATABASE_MIGRATION_URL=$owner_url "$bin" migrate --yes >"$logs/migrate.log" 2>&1) || { tail -20 "$logs/migrate.log" >&2; die "migrate failed"; }
  # One after the other: the first start onboards the tenant files and makes the signing key
  # in the shared data folder; the second then finds them.
  (cd "$repo" && start_replica 1 && start_replica 2)
  say "replicas on 127.0.0.1:${replica_ports[0]} and 127.0.0.1:${replica_ports[1]}"
  start_worker
  start_nginx
  say "nginx on http://127.0.0.1:$http_port (redirects) and https://127.0.0.1:$https_port"
  cat >"$state/cluster.env" <<EOF
CLUSTER_HTTPS_URL=https://127.0.0.1:$https_port
CLUSTER_HTTP_PORT=$http_port
CLUSTER_REPLICA_PORTS=${replica_ports[*]}
CLUSTER_POSTGRES_PORT=$pg_port
CLUSTER_DATA_DIR=$CAREFLOW_DATA_DIR
EOF
}

down() {
  stop_nginx
  stop_pid "$run/worker.pid"
  stop_pid "$run/replica1.pid"
  stop_pid "$run/replica2.pid"
  [[ -d $logs ]] || mkdir -p "$logs"
  db_stop
  say "stopped"
}

status() {
  local pgbin; pgbin=$(pg_bin)
  printf '%-10s %-8s %-7s %s\n' process pid port health
  local pg_pid="-" pg_health="down"
  [[ -f $pg_dir/postmaster.pid ]] && pg_pid=$(head -1 "$pg_dir/postmaster.pid")
  "$pgbin/pg_isready" -q -h 127.0.0.1 -p "$pg_port" && pg_health="accepting connections"
  printf '%-10s %-8s %-7s %s\n' postgres "$pg_pid" "$pg_port" "$pg_health"
  local n
  for n in 1 2; do
    local pid="-" health="down" port=${replica_ports[$((n - 1))]}
    if alive "$run/replica$n.pid"; then pid=$(cat "$run/replica$n.pid"); health="/health $(http_status "http://127.0.0.1:$port/health")"; fi
    printf '%-10s %-8s %-7s %s\n' "replica$n" "$pid" "$port" "$health"
  done
  local wpid="-" whealth="down"
  if alive "$run/worker.pid"; then wpid=$(cat "$run/worker.pid"); whealth="running"; fi
  printf '%-10s %-8s %-7s %s\n' worker "$wpid" "-" "$whealth"
  local npid="-" nhealth="down"
  if alive "$state/nginx/nginx.pid"; then
    npid=$(cat "$state/nginx/nginx.pid")
    nhealth="/nginx-health $(http_status "http://127.0.0.1:$http_port/nginx-health"), /health via https $(curl -sk -o /dev/null -w '%{http_code}' --max-time 2 "https://127.0.0.1:$https_port/health" || true)"
  fi
  printf '%-10s %-8s %-7s %s\n' nginx "$npid" "$https_port" "$nhealth"
}

case ${1:-} in
  up) up ;;
  down) down ;;
  status) status ;;
  kill-replica)
    [[ ${2:-} =~ ^[12]$ ]] || die "kill-replica 1|2"
    stop_pid "$run/replica$2.pid" KILL ;;
  start-replica)
    [[ ${2:-} =~ ^[12]$ ]] || die "start-replica 1|2"
    load_environment; cd "$repo"; start_replica "$2" ;;
  careflow)
    # An operator command with the cluster's configuration, e.g. `careflow audit verify`.
    shift; load_environment; cd "$repo"; exec "$bin" "$@" ;;
  db-stop) db_stop ;;
  db-start) load_environment; db_start ;;
  *) echo "usage: $0 up|down|status|careflow ARGS...|kill-replica N|start-replica N|db-stop|db-start" >&2; exit 64 ;;
esac

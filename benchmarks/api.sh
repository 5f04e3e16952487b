#!/usr/bin/env bash
# Loopback benchmark of the platform core: login, refresh, GET /api/v1/me and a tenant-scoped
# list (GET /api/v1/facilities), against a release build on a fresh embedded database.
# Bounded: each run lasts DURATION seconds. Prints req/s and p50/p99 per endpoint.
# usage: benchmarks/api.sh [DURATION=10] [CONNECTIONS=16]
set -euo pipefail
cd "$(dirname "$0")/.."
# BUILD_PATH: the SwiftPM scratch folder of the release build (default .build).
BUILD_PATH=${BUILD_PATH:-.build}
DURATION=${1:-10}
CONNECTIONS=${2:-16}
PORT=${PORT:-8181}
command -v wrk >/dev/null || { echo "wrk is required (apt-get install wrk)"; exit 1; }

swift build -c release --product careflow --scratch-path "$BUILD_PATH" >/dev/null
tmp=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$tmp"' EXIT
export CAREFLOW_DATA_DIR=$tmp CAREFLOW_TENANTS_DIR=$PWD/tenants LOG_LEVEL=error CAREFLOW_PUBLIC_URL=http://127.0.0.1:$PORT
"$BUILD_PATH/release/careflow" serve --port "$PORT" >"$tmp/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.5; done

# A nurse: kigali-health requires TOTP of doctors, whose tokens would only reach enrolment.
email=nurse@kigali-health.example
password=$(awk -F'\t' -v e="$email" '$3==e {print $4}' "$tmp/demo-credentials.txt")
export LOGIN_BODY="{\"tenant\":\"kigali-health\",\"email\":\"$email\",\"password\":\"$password\"}"
login() { curl -sf "http://127.0.0.1:$PORT/api/v1/auth/login" -H 'content-type: application/json' -d "$LOGIN_BODY"; }
field() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
ACCESS_TOKEN=$(login | field access_token); export ACCESS_TOKEN
REFRESH_TOKENS=$(for _ in 1 2; do login | field refresh_token; done | paste -sd, -); export REFRESH_TOKENS

report() {  # name, wrk output
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$2")
  p50=$(awk '$1=="50%" {print $2}' <<<"$2")
  p99=$(awk '$1=="99%" {print $2}' <<<"$2")
  non2xx=$(awk '/Non-2xx/ {print $5}' <<<"$2")
  printf '%-34s %10s req/s   p50 %8s   p99 %8s   non-2xx %s\n' "$1" "$rps" "$p50" "$p99" "${non2xx:-0}"
}
url=http://127.0.0.1:$PORT
echo "CareFlow API benchmark: ${DURATION}s per endpoint, $CONNECTIONS connections, embedded SQLite, $(nproc) cores"
report "POST /api/v1/auth/login (bcrypt 12)" "$(wrk -t2 -c4 -d"${DURATION}s" --latency -s benchmarks/wrk/login.lua "$url/api/v1/auth/login")"
report "POST /api/v1/auth/refresh" "$(wrk -t2 -c2 -d"${DURATION}s" --latency -s benchmarks/wrk/refresh.lua "$url")"
report "GET /api/v1/me" "$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s benchmarks/wrk/bearer_get.lua "$url/api/v1/me")"
report "GET /api/v1/facilities" "$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s benchmarks/wrk/bearer_get.lua "$url/api/v1/facilities")"

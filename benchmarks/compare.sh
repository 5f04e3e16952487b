#!/usr/bin/env bash
# CareFlow's request path against the ceiling of this machine: a bare Vapor route from this
# package (`careflow-bare-route`, release build) and CareFlow (release build, embedded SQLite,
# 1,000 seeded patients) run side by side, and each CareFlow endpoint is printed with its
# ratio to the bare route measured in the same run. Bounded: DURATION seconds per endpoint.
# Goals (issue 11): /api/v1/me >= 50 %, 20-row patient page >= 35 % with p99 <= 20 ms,
# POST /api/predict/health-risk/ >= 60 % of the bare route.
# usage: benchmarks/compare.sh [DURATION=10] [CONNECTIONS=64] [PATIENTS=1000]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_PATH=${BUILD_PATH:-.build-release}
DURATION=${1:-10}
CONNECTIONS=${2:-64}
PATIENTS=${3:-1000}
PORT=${PORT:-8183}
BARE_PORT=${BARE_PORT:-8184}
command -v wrk >/dev/null || { echo "wrk is required (apt-get install wrk)"; exit 1; }

swift build -c release --product careflow --scratch-path "$BUILD_PATH" >/dev/null
swift build -c release --product careflow-bare-route --scratch-path "$BUILD_PATH" >/dev/null
bin=$BUILD_PATH/release
tmp=$(mktemp -d)
trap 'kill $server $bare 2>/dev/null || true; rm -rf "$tmp"' EXIT
export CAREFLOW_DATA_DIR=$tmp CAREFLOW_TENANTS_DIR=$PWD/tenants CAREFLOW_MODELS_DIR=$PWD/Models LOG_LEVEL=error \
  CAREFLOW_PUBLIC_URL=http://127.0.0.1:$PORT CAREFLOW_PREDICT_RATE_LIMIT=100000000 CAREFLOW_AUTH_RATE_LIMIT=100000000
url=http://127.0.0.1:$PORT
start() { "$bin/careflow" serve --port "$PORT" >>"$tmp/serve.log" 2>&1 & server=$!; for _ in $(seq 1 120); do curl -sf "$url/health" >/dev/null && return; sleep 0.5; done; }
start; kill $server; wait $server 2>/dev/null || true       # first start: migrations and demo tenants
"$bin/careflow" bench seed-patients --tenant kigali-health --count "$PATIENTS" --out "$tmp/seed" >/dev/null
start
"$bin/careflow-bare-route" serve --port "$BARE_PORT" >"$tmp/bare.log" 2>&1 & bare=$!
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$BARE_PORT/bare" >/dev/null && break; sleep 0.5; done

token() {  # email → access token (kigali-health requires TOTP only of admins and doctors)
  local password
  password=$(awk -F'\t' -v e="$1" '$3==e {print $4}' "$tmp/demo-credentials.txt")
  curl -sf "$url/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"tenant\":\"kigali-health\",\"email\":\"$1\",\"password\":\"$password\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}
RECEPTION_TOKEN=$(token receptionist@kigali-health.example)
NURSE_TOKEN=$(token nurse@kigali-health.example)

run() {  # token, script, url → "rps p50 p99 non2xx"
  local out
  out=$(ACCESS_TOKEN=$1 wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$2" "$3")
  printf '%s %s %s %s\n' "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" "$(awk '$1=="50%" {print $2}' <<<"$out")" \
    "$(awk '$1=="99%" {print $2}' <<<"$out")" "$(awk '/Non-2xx/ {print $5}' <<<"$out")"
}
read -r bare_rps bare_p50 bare_p99 _ <<<"$(run none benchmarks/wrk/bearer_get.lua "http://127.0.0.1:$BARE_PORT/bare")"
echo "CareFlow vs a bare Vapor route: ${DURATION}s per endpoint, $CONNECTIONS connections, $(nproc) cores, embedded SQLite, $PATIENTS patients"
printf '%-40s %10s req/s   p50 %8s   p99 %8s\n' "bare Vapor route (ceiling)" "$bare_rps" "$bare_p50" "$bare_p99"
line() {  # name, token, script, url
  local rps p50 p99 non2xx
  read -r rps p50 p99 non2xx <<<"$(run "$2" "$3" "$4")"
  printf '%-40s %10s req/s   p50 %8s   p99 %8s   %5.1f %% of bare   non-2xx %s\n' "$1" "$rps" "$p50" "$p99" \
    "$(python3 -c "print(100 * $rps / $bare_rps)")" "${non2xx:-0}"
}
line "GET /api/v1/me" "$NURSE_TOKEN" benchmarks/wrk/bearer_get.lua "$url/api/v1/me"
line "GET /api/v1/patients?limit=20" "$RECEPTION_TOKEN" benchmarks/wrk/bearer_get.lua "$url/api/v1/patients?limit=20"
line "POST /api/predict/health-risk/" "$NURSE_TOKEN" benchmarks/wrk/predict.lua "$url/api/predict/health-risk/"
echo "server RSS after the run: $(awk '/VmHWM/ {print $2, $3}' /proc/$server/status) peak"

#!/usr/bin/env bash
# Loopback benchmark of POST /api/predict/health-risk/ (the seed contract) against a release
# build on a fresh embedded database. Prints req/s and p50/p99.
# usage: benchmarks/predict.sh [DURATION=10] [CONNECTIONS=16]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_PATH=${BUILD_PATH:-.build}
DURATION=${1:-10}
CONNECTIONS=${2:-16}
PORT=${PORT:-8182}
command -v wrk >/dev/null || { echo "wrk is required (apt-get install wrk)"; exit 1; }

swift build -c release --product careflow --scratch-path "$BUILD_PATH" >/dev/null
tmp=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$tmp"' EXIT
# The per-user limit would otherwise turn most of the run into 429s: one user drives the load.
export CAREFLOW_DATA_DIR=$tmp CAREFLOW_TENANTS_DIR=$PWD/tenants CAREFLOW_MODELS_DIR=$PWD/Models LOG_LEVEL=error \
  CAREFLOW_PUBLIC_URL=http://127.0.0.1:$PORT CAREFLOW_PREDICT_RATE_LIMIT=100000000
"$BUILD_PATH/release/careflow" serve --port "$PORT" >"$tmp/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.5; done

# A nurse: kigali-health requires TOTP of doctors, whose tokens would only reach enrolment.
email=nurse@kigali-health.example
password=$(awk -F'\t' -v e="$email" '$3==e {print $4}' "$tmp/demo-credentials.txt")
body="{\"tenant\":\"kigali-health\",\"email\":\"$email\",\"password\":\"$password\"}"
ACCESS_TOKEN=$(curl -sf "http://127.0.0.1:$PORT/api/v1/auth/login" -H 'content-type: application/json' -d "$body" \
  | python3 -c "import json,sys; print(json.load(sys.stdin)['access_token'])")
export ACCESS_TOKEN

out=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s benchmarks/wrk/predict.lua "http://127.0.0.1:$PORT/api/predict/health-risk/")
rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
p50=$(awk '$1=="50%" {print $2}' <<<"$out")
p99=$(awk '$1=="99%" {print $2}' <<<"$out")
non2xx=$(awk '/Non-2xx/ {print $5}' <<<"$out")
echo "POST /api/predict/health-risk/: ${DURATION}s, $CONNECTIONS connections, $(nproc) cores"
printf '%10s req/s   p50 %8s   p99 %8s   non-2xx %s\n' "$rps" "$p50" "$p99" "${non2xx:-0}"

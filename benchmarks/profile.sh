#!/usr/bin/env bash
# Where the CPU goes on one endpoint: a release CareFlow on a fresh embedded database (1,000
# seeded patients), wrk on loopback for DURATION seconds while `perf record` samples the
# server, then the top self-time frames (Swift names demangled). Findings: benchmarks/PROFILE.md.
# usage: benchmarks/profile.sh [PATH=/api/v1/me] [DURATION=15] [CONNECTIONS=64]
# (EMAIL= the demo account whose token is used, SCRIPT= the wrk script, e.g. benchmarks/wrk/predict.lua)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_PATH=${BUILD_PATH:-.build-release}
ENDPOINT=${1:-/api/v1/me}
DURATION=${2:-15}
CONNECTIONS=${3:-64}
PORT=${PORT:-8185}
for tool in wrk perf; do command -v $tool >/dev/null || { echo "$tool is required (apt-get install wrk linux-perf)"; exit 1; }; done
swift build -c release --product careflow --scratch-path "$BUILD_PATH" >/dev/null
bin=$BUILD_PATH/release/careflow
tmp=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$tmp"' EXIT
export CAREFLOW_DATA_DIR=$tmp CAREFLOW_TENANTS_DIR=$PWD/tenants CAREFLOW_MODELS_DIR=$PWD/Models LOG_LEVEL=error \
  CAREFLOW_PUBLIC_URL=http://127.0.0.1:$PORT CAREFLOW_PREDICT_RATE_LIMIT=100000000 CAREFLOW_AUTH_RATE_LIMIT=100000000
url=http://127.0.0.1:$PORT
start() { "$bin" serve --port "$PORT" >>"$tmp/serve.log" 2>&1 & server=$!; for _ in $(seq 1 120); do curl -sf "$url/health" >/dev/null && return; sleep 0.5; done; }
start; kill $server; wait $server 2>/dev/null || true
"$bin" bench seed-patients --tenant kigali-health --count 1000 --out "$tmp/seed" >/dev/null
start
# Predictions are a doctor's or nurse's (AccessPolicy): signed in as the receptionist, every
# request was a 403 with its audited denial (1,349 req/s in session 17's note, not a prediction).
case $ENDPOINT in */predict*) default_email=nurse@kigali-health.example ;; *) default_email=receptionist@kigali-health.example ;; esac
email=${EMAIL:-$default_email}
password=$(awk -F'\t' -v e="$email" '$3==e {print $4}' "$tmp/demo-credentials.txt")
ACCESS_TOKEN=$(curl -sf "$url/api/v1/auth/login" -H 'content-type: application/json' \
  -d "{\"tenant\":\"kigali-health\",\"email\":\"$email\",\"password\":\"$password\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
export ACCESS_TOKEN
data=${PERF_DATA:-$tmp/perf.data}
perf record -F 499 -g -p "$server" -o "$data" -- sleep "$DURATION" >/dev/null 2>&1 &
recorder=$!
wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "${SCRIPT:-benchmarks/wrk/bearer_get.lua}" "$url$ENDPOINT" | grep -E "Requests/sec|50%|99%"
wait $recorder || true
echo "top self-time frames of the server ($ENDPOINT):"
{ perf report -i "$data" --no-children --sort symbol --stdio 2>/dev/null || true; } | grep -E '^ +[0-9.]+%' | head -"${TOP:-40}" | swift demangle --simplified | sed -E 's/ +- +- *$//' || true
if [[ -n "${CALLERS:-}" ]]; then
  echo "inclusive (children) time:"
  { perf report -i "$data" --children --sort symbol --stdio -g none 2>/dev/null || true; } | grep -E '^ +[0-9.]+%' | head -"${TOP:-60}" | swift demangle --simplified | sed -E 's/ +- +- *$//' || true
fi

#!/usr/bin/env bash
# Patient load test: seeds N synthetic patients in each of the two demo tenants through the real
# registration service (sealed fields, blind indexes), then measures the patient list, an MRN
# search, a name search and appointment booking (each request a different free slot of 20
# round-the-clock doctors) with wrk on loopback. Embedded SQLite by default; set DATABASE_URL
# to run the same on PostgreSQL. Bounded: DURATION seconds per endpoint.
# usage: benchmarks/patients.sh [PER_TENANT=50000] [DURATION=10] [CONNECTIONS=16]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_PATH=${BUILD_PATH:-.build}
PER_TENANT=${1:-50000}
DURATION=${2:-10}
CONNECTIONS=${3:-16}
PORT=${PORT:-8182}
command -v wrk >/dev/null || { echo "wrk is required (apt-get install wrk)"; exit 1; }
CONFIG=${CONFIG:-release}   # CONFIG=debug for a quick smoke run of the script itself
# BIN=path runs a binary built earlier (e.g. the one before a change) instead of building.
if [[ -z "${BIN:-}" ]]; then swift build -c "$CONFIG" --product careflow --scratch-path "$BUILD_PATH" >/dev/null; fi
bin=${BIN:-$BUILD_PATH/$CONFIG/careflow}
tmp=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$tmp"' EXIT
export CAREFLOW_DATA_DIR=$tmp CAREFLOW_TENANTS_DIR=$PWD/tenants LOG_LEVEL=error CAREFLOW_AUTH_RATE_LIMIT=100000000
url=http://127.0.0.1:$PORT
start() { "$bin" serve --port "$PORT" >>"$tmp/serve.log" 2>&1 & server=$!; for _ in $(seq 1 120); do curl -sf "$url/health" >/dev/null && return; sleep 0.5; done; }
[[ -n "${DATABASE_URL:-}" ]] && "$bin" migrate --yes >/dev/null
start; kill $server; wait $server 2>/dev/null || true       # first start: migrations and demo tenants
backend=sqlite; [[ -n "${DATABASE_URL:-}" ]] && backend=postgresql
t0=$(date +%s)
for tenant in kigali-health lakeside-care; do
  "$bin" bench seed-patients --tenant "$tenant" --count "$PER_TENANT" --out "$tmp/$tenant.seed" >/dev/null
done
echo "seeded $((2 * PER_TENANT)) patients in $(( $(date +%s) - t0 ))s ($backend)"
"$bin" bench seed-schedule --tenant kigali-health --doctors 20 --days 30 --out "$tmp/slots.csv"
start
email=receptionist@kigali-health.example
password=$(awk -F'\t' -v e="$email" '$3==e {print $4}' "$tmp/demo-credentials.txt")
ACCESS_TOKEN=$(curl -sf "$url/api/v1/auth/login" -H 'content-type: application/json' \
  -d "{\"tenant\":\"kigali-health\",\"email\":\"$email\",\"password\":\"$password\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
export ACCESS_TOKEN SEED_FILE=$tmp/kigali-health.seed SLOTS_FILE=$tmp/slots.csv WRK_THREADS=2
report() {
  printf '%-36s %10s req/s   p50 %8s   p99 %8s   non-2xx %s\n' "$1" "$(awk '/Requests\/sec/ {print $2}' <<<"$2")" \
    "$(awk '$1=="50%" {print $2}' <<<"$2")" "$(awk '$1=="99%" {print $2}' <<<"$2")" "$(awk '/Non-2xx/ {print $5}' <<<"$2")"
}
echo "CareFlow patient benchmark ($backend, $((2 * PER_TENANT)) patients, ${DURATION}s per endpoint, $CONNECTIONS connections)"
report "GET /api/v1/patients?limit=50" "$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s benchmarks/wrk/bearer_get.lua "$url/api/v1/patients?limit=50")"
report "GET /api/v1/patients?mrn=…" "$(FIELD=mrn wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s benchmarks/wrk/patient_search.lua "$url")"
report "GET /api/v1/patients?name=…" "$(FIELD=name wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s benchmarks/wrk/patient_search.lua "$url")"
report "POST /api/v1/appointments (booking)" "$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s benchmarks/wrk/book.lua "$url")"

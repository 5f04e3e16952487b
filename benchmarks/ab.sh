#!/usr/bin/env bash
# Two release binaries of CareFlow compared on the same machine in the same minutes: each
# serves a fresh embedded database (demo tenants), and wrk runs alternate between them, A then
# B, round after round, on `GET /api/v1/me` (receptionist) and the seed predict (nurse). On a
# machine whose speed drifts from minute to minute this says more about one change than two
# separate `compare.sh` runs. Bounded: ROUNDS × 4 runs of DURATION seconds.
# usage: benchmarks/ab.sh BIN_A BIN_B [ROUNDS=4] [DURATION=6]
#   e.g. cp .build-release/release/careflow /tmp/careflow-before, change, build, then
#        benchmarks/ab.sh /tmp/careflow-before .build-release/release/careflow
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { sed -n 2,9p "$0"; exit 2; }
command -v wrk >/dev/null || { echo "wrk is required (apt-get install wrk)"; exit 1; }
ROUNDS=${3:-4}
DURATION=${4:-6}
tmp=$(mktemp -d)
declare -A BIN=([A]=$1 [B]=$2) PORT=([A]=${PORT_A:-8191} [B]=${PORT_B:-8192}) PID=() RECEPTION=() NURSE=()
trap 'kill ${PID[A]:-} ${PID[B]:-} 2>/dev/null || true; rm -rf "$tmp"' EXIT
for who in A B; do
  dir=$tmp/$who port=${PORT[$who]}
  mkdir -p "$dir"
  CAREFLOW_DATA_DIR=$dir CAREFLOW_TENANTS_DIR=$PWD/tenants CAREFLOW_MODELS_DIR=$PWD/Models LOG_LEVEL=error \
    CAREFLOW_PUBLIC_URL=http://127.0.0.1:$port CAREFLOW_PREDICT_RATE_LIMIT=100000000 CAREFLOW_AUTH_RATE_LIMIT=100000000 \
    "${BIN[$who]}" serve --port "$port" >>"$dir/serve.log" 2>&1 &
  PID[$who]=$!
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.5; done
  token() {  # email → access token
    local password
    password=$(awk -F'\t' -v e="$1" '$3==e {print $4}' "$dir/demo-credentials.txt")
    curl -sf "http://127.0.0.1:$port/api/v1/auth/login" -H 'content-type: application/json' \
      -d "{\"tenant\":\"kigali-health\",\"email\":\"$1\",\"password\":\"$password\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
  }
  RECEPTION[$who]=$(token receptionist@kigali-health.example)
  NURSE[$who]=$(token nurse@kigali-health.example)
done
rate() { awk '/Requests\/sec/{printf "%.0f", $2}'; }
echo "A = $1"; echo "B = $2"; echo "req/s, wrk -t2 -c64 -d${DURATION}s"
for round in $(seq 1 "$ROUNDS"); do
  for who in A B; do
    url=http://127.0.0.1:${PORT[$who]}
    me=$(ACCESS_TOKEN=${RECEPTION[$who]} wrk -t2 -c64 -d"${DURATION}s" -s benchmarks/wrk/bearer_get.lua "$url/api/v1/me" | rate)
    predict=$(ACCESS_TOKEN=${NURSE[$who]} wrk -t2 -c64 -d"${DURATION}s" -s benchmarks/wrk/predict.lua "$url/api/predict/health-risk/" | rate)
    printf 'round %d  %s  /me %7s  predict %7s\n' "$round" "$who" "$me" "$predict"
  done
done

#!/usr/bin/env bash
# Growth (issue 11): the patient page and an MRN search at 10,000 and at 1,000,000 patients on
# PostgreSQL, same server build, same machine, same run. Seeds a fresh schema of DATABASE_URL
# with `careflow bench seed-patients` (bulk loader), measures with wrk (2 threads, CONNECTIONS
# connections, DURATION s, each measurement twice), grows the same tenant to LARGE patients and
# measures again, then prints the p50 ratios (goal: <= 1.5x). The schema is dropped at the end
# (KEEP_SCHEMA=1 keeps it). Bounded: about 10 min at the defaults on 2 cores, most of it seeding.
# usage: DATABASE_URL=postgres://... benchmarks/growth.sh [SMALL=10000] [LARGE=1000000] [DURATION=10] [CONNECTIONS=16]
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?set DATABASE_URL to a PostgreSQL database (a fresh schema is created in it)}"
BUILD_PATH=${BUILD_PATH:-.build-release}
SMALL=${1:-10000}
LARGE=${2:-1000000}
DURATION=${3:-10}
CONNECTIONS=${4:-16}
PORT=${PORT:-8185}
for tool in wrk psql shuf; do command -v $tool >/dev/null || { echo "$tool is required"; exit 1; }; done

swift build -c release --product careflow --scratch-path "$BUILD_PATH" >/dev/null
bin=$BUILD_PATH/release/careflow
tmp=$(mktemp -d)
schema=growth_$(date +%s)_$$
server=
cleanup() {
  [[ -n "$server" ]] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  [[ "${KEEP_SCHEMA:-0}" == 1 ]] || psql -q "$DATABASE_URL" -c "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
psql -q "$DATABASE_URL" -c "CREATE SCHEMA $schema"
export CAREFLOW_DATABASE_SCHEMA=$schema CAREFLOW_DATA_DIR=$tmp CAREFLOW_TENANTS_DIR=$PWD/tenants CAREFLOW_MODELS_DIR=$PWD/Models \
  LOG_LEVEL=error CAREFLOW_PUBLIC_URL=http://127.0.0.1:$PORT CAREFLOW_AUTH_RATE_LIMIT=100000000
url=http://127.0.0.1:$PORT
start() { "$bin" serve --port "$PORT" >>"$tmp/serve.log" 2>&1 & server=$!; for _ in $(seq 1 120); do curl -sf "$url/health" >/dev/null && return; sleep 0.5; done; echo "server did not start"; exit 1; }
stop() { kill "$server"; wait "$server" 2>/dev/null || true; server=; }
analyze() {  # this schema's searched tables only
  psql -q "$DATABASE_URL" -c "ANALYZE $schema.patients, $schema.patient_name_tokens, $schema.patient_conditions, $schema.audit_events" >/dev/null
}

"$bin" migrate --yes >/dev/null
start; stop       # first start: demo tenants and users
token() {
  local email=receptionist@kigali-health.example password
  password=$(awk -F'\t' -v e="$email" '$3==e {print $4}' "$tmp/demo-credentials.txt")
  curl -sf "$url/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"tenant\":\"kigali-health\",\"email\":\"$email\",\"password\":\"$password\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}
run() {  # script, url → "rps p50 p99 non2xx"
  local out
  out=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$1" "$2")
  printf '%s %s %s %s\n' "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" "$(awk '$1=="50%" {print $2}' <<<"$out")" \
    "$(awk '$1=="99%" {print $2}' <<<"$out")" "$(awk '/Non-2xx/ {print $5}' <<<"$out")"
}
ms() {  # wrk latency (850.00us, 1.20ms, 2.01s) → milliseconds
  python3 -c "import re,sys; v,u=re.match(r'([0-9.]+)(us|ms|s)', sys.argv[1]).groups(); print(float(v)*{'us':0.001,'ms':1,'s':1000}[u])" "$1"
}
declare -A p50
measure() {  # size label
  analyze
  start
  export ACCESS_TOKEN
  ACCESS_TOKEN=$(token)
  shuf -n 20000 "$tmp/seeded" >"$tmp/sample"
  export SEED_FILE=$tmp/sample FIELD=mrn
  for round in 1 2; do
    local rps p_50 p_99 non2xx
    read -r rps p_50 p_99 non2xx <<<"$(run benchmarks/wrk/bearer_get.lua "$url/api/v1/patients?limit=20")"
    printf '%-9s %-32s run %d %10s req/s   p50 %8s   p99 %8s   non-2xx %s\n' "$1" "GET /api/v1/patients?limit=20" "$round" "$rps" "$p_50" "$p_99" "${non2xx:-0}"
    p50[page,$1]="${p50[page,$1]:-} $(ms "$p_50")"
    read -r rps p_50 p_99 non2xx <<<"$(run benchmarks/wrk/patient_search.lua "$url")"
    printf '%-9s %-32s run %d %10s req/s   p50 %8s   p99 %8s   non-2xx %s\n' "$1" "GET /api/v1/patients?mrn=<seeded>" "$round" "$rps" "$p_50" "$p_99" "${non2xx:-0}"
    p50[mrn,$1]="${p50[mrn,$1]:-} $(ms "$p_50")"
  done
  stop
}
seed() {  # count
  "$bin" bench seed-patients --tenant kigali-health --count "$1" --out "$tmp/batch" | tail -1
  cat "$tmp/batch" >>"$tmp/seeded"
}

echo "CareFlow growth benchmark: PostgreSQL (schema $schema), wrk -t2 -c$CONNECTIONS -d${DURATION}s, $(nproc) cores, receptionist of kigali-health"
seed "$SMALL"
measure "$SMALL"
seed $((LARGE - SMALL))
measure "$LARGE"
best() { tr ' ' '\n' <<<"$1" | sed '/^$/d' | sort -g | head -1; }
for what in page mrn; do
  small=$(best "${p50[$what,$SMALL]}") large=$(best "${p50[$what,$LARGE]}")
  printf '%-5s p50 (best of 2): %8.2f ms at %d, %8.2f ms at %d: ratio %.2f (goal <= 1.5)\n' "$what" "$small" "$SMALL" "$large" "$LARGE" \
    "$(python3 -c "print($large / $small)")"
done

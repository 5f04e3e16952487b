#!/usr/bin/env bash
# Export memory benchmark (issue 14): seeds ROWS appointments in the kigali-health demo tenant
# with one SQL statement (a recursive CTE on SQLite, generate_series on PostgreSQL), downloads
# GET /api/v1/exports/appointments.csv with curl as the group admin from a release server, and
# prints rows, seconds and the server's peak RSS (VmHWM from /proc) before and after the export.
# Goal: the peak stays under 100 MB whatever ROWS is (the export streams keyset pages).
# Embedded SQLite by default; set DATABASE_URL to run the same on PostgreSQL.
# usage: benchmarks/exports.sh [ROWS=1000000]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_PATH=${BUILD_PATH:-.build}
ROWS=${1:-1000000}
PORT=${PORT:-8187}
CONFIG=${CONFIG:-release}   # CONFIG=debug for a quick smoke run of the script itself; SKIP_BUILD=1 uses the build as it is
command -v oathtool >/dev/null || { echo "oathtool is required (apt-get install oathtool)"; exit 1; }
[[ -n "${SKIP_BUILD:-}" ]] || swift build -c "$CONFIG" --product careflow --scratch-path "$BUILD_PATH" >/dev/null
bin=$BUILD_PATH/$CONFIG/careflow
tmp=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$tmp"' EXIT
export CAREFLOW_DATA_DIR=$tmp CAREFLOW_TENANTS_DIR=$PWD/tenants LOG_LEVEL=error CAREFLOW_AUTH_RATE_LIMIT=100000000
url=http://127.0.0.1:$PORT
start() { "$bin" serve --port "$PORT" >>"$tmp/serve.log" 2>&1 & server=$!; for _ in $(seq 1 120); do curl -sf "$url/health" >/dev/null && return; sleep 0.5; done; }
[[ -n "${DATABASE_URL:-}" ]] && "$bin" migrate --yes >/dev/null
start; kill $server; wait $server 2>/dev/null || true       # first start: migrations and demo tenants
"$bin" bench seed-patients --tenant kigali-health --count 1000 --out "$tmp/seed" >/dev/null

t0=$(date +%s.%N)
if [[ -n "${DATABASE_URL:-}" ]]; then
  backend=postgresql
  psql -q "$DATABASE_URL" -v ON_ERROR_STOP=1 <<SQL
CREATE TEMP TABLE p AS SELECT row_number() OVER (ORDER BY id) - 1 AS k, id, tenant_id FROM patients
  WHERE tenant_id = (SELECT id FROM tenants WHERE slug = 'kigali-health');
INSERT INTO appointments (id, tenant_id, facility_id, doctor_id, patient_id, starts_at, ends_at, status, created_at, updated_at)
SELECT ('00000000-0000-4000-8000-' || lpad(to_hex(i), 12, '0'))::uuid, p.tenant_id,
       (SELECT id FROM facilities WHERE tenant_id = p.tenant_id ORDER BY code LIMIT 1),
       (SELECT user_id FROM role_assignments WHERE tenant_id = p.tenant_id AND role = 'doctor' LIMIT 1), p.id,
       to_timestamp(1767225600 + i * 60), to_timestamp(1767225600 + i * 60 + 1800),
       (ARRAY['completed', 'cancelled', 'no_show'])[i % 3 + 1], now(), now()
FROM generate_series(0, $ROWS - 1) AS i JOIN p ON p.k = i % 1000;
SQL
else
  backend=sqlite
  sqlite3 "$tmp/careflow.sqlite" <<SQL
CREATE TEMP TABLE p AS SELECT row_number() OVER (ORDER BY id) - 1 AS k, id, tenant_id FROM patients
  WHERE tenant_id = (SELECT id FROM tenants WHERE slug = 'kigali-health');
CREATE TEMP TABLE ctx AS SELECT
  (SELECT id FROM facilities WHERE tenant_id = (SELECT tenant_id FROM p LIMIT 1) ORDER BY code LIMIT 1) AS facility_id,
  (SELECT user_id FROM role_assignments WHERE tenant_id = (SELECT tenant_id FROM p LIMIT 1) AND role = 'doctor' LIMIT 1) AS doctor_id;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $ROWS - 1)
INSERT INTO appointments (id, tenant_id, facility_id, doctor_id, patient_id, starts_at, ends_at, status, created_at, updated_at)
SELECT printf('00000000-0000-4000-8000-%012X', i), p.tenant_id, ctx.facility_id, ctx.doctor_id, p.id,
       1767225600 + i * 60, 1767225600 + i * 60 + 1800, CASE i % 3 WHEN 0 THEN 'completed' WHEN 1 THEN 'cancelled' ELSE 'no_show' END,
       1767225600.0, 1767225600.0
FROM n JOIN p ON p.k = i % 1000 CROSS JOIN ctx;
SQL
fi
printf 'seeded %d appointments in %.1f s (%s)\n' "$ROWS" "$(echo "$(date +%s.%N) - $t0" | bc)" "$backend"

start
# The group admin enrols TOTP (oathtool plays the authenticator app), then logs in with it.
cred() { awk -F'\t' -v r="$1" '$1=="kigali-health" && $2==r {print $3" "$4}' "$tmp/demo-credentials.txt"; }
login() { read -r email pass <<<"$(cred group_admin)"; curl -sf "$url/api/v1/auth/login" -H 'content-type: application/json' \
            -d "{\"tenant\":\"kigali-health\",\"email\":\"$email\",\"password\":\"$pass\"}"; }
get() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
L=$(login | get access_token)
S=$(curl -sf -X POST "$url/api/v1/me/mfa/totp" -H "authorization: Bearer $L" | get secret)
curl -sf "$url/api/v1/me/mfa/totp/confirm" -H "authorization: Bearer $L" -H 'content-type: application/json' \
  -d "{\"code\":\"$(oathtool --totp -b "$S")\"}" >/dev/null
M=$(login | get mfa_token); sleep 31                                  # a code's time step works once
A=$(curl -sf "$url/api/v1/auth/mfa/verify" -H 'content-type: application/json' \
  -d "{\"mfa_token\":\"$M\",\"code\":\"$(oathtool --totp -b "$S")\"}" | get access_token)

before=$(awk '/VmHWM/ {print $2}' "/proc/$server/status")
seconds=$(curl -sf -o "$tmp/appointments.csv" -w '%{time_total}' "$url/api/v1/exports/appointments.csv" -H "authorization: Bearer $A")
after=$(awk '/VmHWM/ {print $2}' "/proc/$server/status")
rows=$(($(wc -l <"$tmp/appointments.csv") - 1))
bytes=$(stat -c %s "$tmp/appointments.csv")
echo "CareFlow export benchmark ($backend, $CONFIG, $(nproc) cores): GET /api/v1/exports/appointments.csv"
printf 'rows %d   bytes %d   seconds %s   rows/s %.0f\n' "$rows" "$bytes" "$seconds" "$(echo "$rows / $seconds" | bc -l)"
printf 'server peak RSS (VmHWM): %d MB before the export, %d MB after\n' $((before / 1024)) $((after / 1024))
[[ $rows -eq $ROWS ]] || { echo "expected $ROWS rows"; exit 1; }

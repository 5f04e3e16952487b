#!/usr/bin/env bash
# Memory of a large document transfer: uploads a SIZE_MB document (PDF-like, random body) to a
# release build on a fresh embedded database, then downloads it at a limited rate, sampling the
# server's RSS every 50 ms, and times GET /health while the download is in flight. A measurement,
# not a test: it prints RSS at rest, the peak during the upload and during the download.
# usage: benchmarks/documents.sh [SIZE_MB=50] [RATE=25M]   (BIN=path/to/careflow to measure another build)
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE_MB=${1:-50}
RATE=${2:-25M}
PORT=${PORT:-8182}
BIN=${BIN:-.build-release/release/careflow}
tmp=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$tmp"' EXIT
export CAREFLOW_DATA_DIR=$tmp CAREFLOW_TENANTS_DIR=$PWD/tenants LOG_LEVEL=error CAREFLOW_PUBLIC_URL=http://127.0.0.1:$PORT
export CAREFLOW_MAX_DOCUMENT_SIZE=$((SIZE_MB + 1))mb
url=http://127.0.0.1:$PORT
start() { "$BIN" serve --port "$PORT" >>"$tmp/serve.log" 2>&1 & server=$!; for _ in $(seq 1 120); do curl -sf "$url/health" >/dev/null && return; sleep 0.5; done; }
start; kill $server; wait $server 2>/dev/null || true       # first start: migrations and demo tenants
"$BIN" bench seed-patients --tenant kigali-health --count 20 --out "$tmp/seed" >/dev/null
start
email=nurse@kigali-health.example
password=$(awk -F'\t' -v e="$email" '$3==e {print $4}' "$tmp/demo-credentials.txt")
token=$(curl -sf "$url/api/v1/auth/login" -H 'content-type: application/json' \
  -d "{\"tenant\":\"kigali-health\",\"email\":\"$email\",\"password\":\"$password\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
patient=$(curl -sf "$url/api/v1/patients?limit=1" -H "authorization: Bearer $token" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
python3 - "$tmp/doc.pdf" "$SIZE_MB" <<'PY'
import os, sys
with open(sys.argv[1], "wb") as f:
    f.write(b"%PDF-1.7\n"); f.write(os.urandom(int(sys.argv[2]) * 1024 * 1024)); f.write(b"\n%%EOF\n")
PY
rss() { awk '/VmRSS/ {print $2}' "/proc/$server/status"; }
sample() { local peak=0 v; while [[ -e $tmp/sampling ]]; do v=$(rss); (( v > peak )) && peak=$v; sleep 0.05; done; echo "$peak" >"$tmp/peak"; }
peak_while() {  # runs "$@" while sampling; prints the peak RSS in KiB
  touch "$tmp/sampling"; sample & local sampler=$!
  "$@"; rm -f "$tmp/sampling"; wait "$sampler"; cat "$tmp/peak"
}
rest=$(rss)
up_peak=$(peak_while curl -sf -o "$tmp/up.json" "$url/api/v1/patients/$patient/documents" -H "authorization: Bearer $token" \
  -F kind=scan -F "file=@$tmp/doc.pdf;type=application/pdf")
doc=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$tmp/up.json")
after_up=$(rss)
health() { for _ in $(seq 1 20); do curl -s -o /dev/null -w '%{time_total}\n' "$url/health"; sleep 0.1; done >"$tmp/health"; }
download() {
  curl -sf --limit-rate "$RATE" -o "$tmp/down.pdf" "$url/api/v1/patients/$patient/documents/$doc/content" -H "authorization: Bearer $token" &
  local d=$!; sleep 0.3; health; wait $d
}
down_peak=$(peak_while download)
same=$(cmp -s "$tmp/doc.pdf" "$tmp/down.pdf" && echo identical || echo DIFFERENT)
printf 'document %s MB: RSS at rest %d MiB; peak during upload %d MiB (after: %d MiB); peak during download at %s/s %d MiB; download %s\n' \
  "$SIZE_MB" $((rest / 1024)) $((up_peak / 1024)) $((after_up / 1024)) "$RATE" $((down_peak / 1024)) "$same"
sort -n "$tmp/health" | awk '{a[NR]=$1} END {printf "GET /health during the download (20 requests): median %.1f ms, max %.1f ms\n", a[int((NR+1)/2)]*1000, a[NR]*1000}'

#!/usr/bin/env bash
# Webhook and outbox benchmark (issue 5). Stripe webhooks verified and ingested per second
# (signature check + idempotent insert + payment upsert, every request a new signed event),
# the same for replays of one event, then outbox deliveries per second through the real Twilio
# adapter against a fake Twilio on loopback. Embedded SQLite by default; DATABASE_URL for
# PostgreSQL. Bounded: DURATION seconds per wrk run. After the runs it counts this run's stored
# events against their distinct ids and the payments they moved (both must match: 0 duplicates,
# one effect each). PERF_DATA=file records the server with `perf record` during the new-events
# run and prints its top self-time frames (issue 11; see benchmarks/PROFILE.md).
# On PostgreSQL the stored events of earlier runs stay, and ingest rates fall as the table grows
# (4,461 → 1,508 req/s over runs that left 460,000 events): the script says how many are there,
# and FRESH=1 empties the database first (DROP SCHEMA public CASCADE: a database of its own only).
# usage: [FRESH=1] benchmarks/webhooks.sh [DURATION=10] [CONNECTIONS=16] [OUTBOX_MESSAGES=5000]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_PATH=${BUILD_PATH:-.build}
CONFIG=${CONFIG:-release}   # CONFIG=debug for a quick smoke run of the script itself
DURATION=${1:-10}
CONNECTIONS=${2:-16}
OUTBOX_MESSAGES=${3:-5000}
PORT=${PORT:-8183}
command -v wrk >/dev/null || { echo "wrk is required (apt-get install wrk)"; exit 1; }
# BIN=path runs a binary built earlier (e.g. the one before a change) instead of building.
if [[ -z "${BIN:-}" ]]; then swift build -c "$CONFIG" --product careflow --scratch-path "$BUILD_PATH" >/dev/null; fi
bin=${BIN:-$BUILD_PATH/$CONFIG/careflow}
tmp=$(mktemp -d)
trap 'kill ${server:-} 2>/dev/null || true; rm -rf "$tmp"' EXIT
mkdir -p "$tmp/tenants"
cat > "$tmp/tenants/bench-hooks.yaml" <<YAML
slug: bench-hooks
name: Webhook benchmark
timezone: UTC
integrations:
  payments: {adapter: stripe, secret_key: env:BENCH_STRIPE_KEY, webhook_secret: env:BENCH_STRIPE_WHSEC}
YAML
export CAREFLOW_DATA_DIR=$tmp CAREFLOW_TENANTS_DIR=$tmp/tenants LOG_LEVEL=error CAREFLOW_WORKER=off
# The outbox benchmark's Twilio is a fake on loopback: an operator opt-in since issue 10.
export CAREFLOW_ALLOW_LOOPBACK_ADAPTERS=1
export BENCH_STRIPE_KEY=sk_test_bench BENCH_STRIPE_WHSEC=whsec_bench_$RANDOM$RANDOM BENCH_TWILIO_TOKEN=bench-token
url=http://127.0.0.1:$PORT
backend=sqlite; [[ -n "${DATABASE_URL:-}" ]] && backend=postgresql
if [[ -n "${DATABASE_URL:-}" ]]; then
  [[ "${FRESH:-0}" == 1 ]] && psql "$DATABASE_URL" -q -c 'SET client_min_messages TO warning; DROP SCHEMA public CASCADE; CREATE SCHEMA public' >/dev/null
  "$bin" migrate --yes >/dev/null
  stored=$(psql "$DATABASE_URL" -At -c 'SELECT count(*) FROM webhook_events')
  [[ "$stored" == 0 ]] || echo "note: $stored webhook events stored by earlier runs; rates fall as the table grows (FRESH=1 empties the database)"
fi
"$bin" serve --port "$PORT" >>"$tmp/serve.log" 2>&1 & server=$!
for _ in $(seq 1 120); do curl -sf "$url/health" >/dev/null && break; sleep 0.5; done
"$bin" bench stripe-events --count 300000 --secret "$BENCH_STRIPE_WHSEC" --out "$tmp/events.tsv"
export EVENTS_FILE=$tmp/events.tsv TENANT=bench-hooks WRK_THREADS=2
report() {
  printf '%-44s %10s req/s   p50 %8s   p99 %8s   non-2xx %s\n' "$1" "$(awk '/Requests\/sec/ {print $2}' <<<"$2")" \
    "$(awk '$1=="50%" {print $2}' <<<"$2")" "$(awk '$1=="99%" {print $2}' <<<"$2")" "$(awk '/Non-2xx/ {print $5}' <<<"$2")"
}
echo "CareFlow webhook benchmark ($backend, ${DURATION}s per run, $CONNECTIONS connections)"
if [[ -n "${PERF_DATA:-}" ]]; then
  perf record -F 499 -g -p "$server" -o "$PERF_DATA" -- sleep "$DURATION" >/dev/null 2>&1 & recorder=$!
fi
report "POST /webhooks/{t}/stripe (new events)" "$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s benchmarks/wrk/stripe_webhook.lua "$url")"
if [[ -n "${PERF_DATA:-}" ]]; then
  wait $recorder || true
  echo "top self-time frames of the server (new events):"
  { perf report -i "$PERF_DATA" --no-children --sort symbol --stdio 2>/dev/null || true; } | grep -E '^ +[0-9.]+%' | head -"${TOP:-40}" \
    | swift demangle --simplified | sed -E 's/ +- +- *$//' || true
fi
report "POST /webhooks/{t}/stripe (replays)" "$(REPLAY=1 wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s benchmarks/wrk/stripe_webhook.lua "$url")"
kill -0 $server 2>/dev/null || { echo "the server died; its log:"; tail -20 "$tmp/serve.log"; }
kill $server 2>/dev/null; wait $server 2>/dev/null || true
# Duplicates: this run's events (their ids share the prefix of the file's first event), rows
# against distinct ids, and the payments they moved (one new PaymentIntent per event, created at
# the run's timestamp).
first=$(head -1 "$EVENTS_FILE" | cut -f2)
prefix=$(sed -E 's/.*"id":"(evt_bench_[0-9]+_)[0-9]+".*/\1/' <<<"$first")
created=$(sed -E 's/.*"created":([0-9]+).*/\1/' <<<"$first")
count_sql="SELECT count(*), count(DISTINCT event_id) FROM webhook_events WHERE provider = 'stripe' AND event_id LIKE '${prefix}%';
SELECT count(*) FROM payments WHERE provider = 'stripe' AND last_event_created = $created;"
if [[ -n "${DATABASE_URL:-}" ]]; then counts=$(psql "$DATABASE_URL" -At -F ' ' -c "$count_sql")
else counts=$(sqlite3 -separator ' ' "$tmp/careflow.sqlite" "$count_sql"); fi
read -r rows distinct payments <<<"$(tr '\n' ' ' <<<"$counts")"
echo "stored events $rows, distinct ids $distinct, duplicates $((rows - distinct)), payments moved $payments ($((rows - payments)) events without exactly one effect)"
"$bin" bench outbox --count "$OUTBOX_MESSAGES" --workers 2

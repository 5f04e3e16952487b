#!/usr/bin/env bash
# Fernet throughput on a 1 KiB PHI field: CareFlow (release build, swift-crypto/BoringSSL) against
# Python `cryptography.fernet` (OpenSSL), same field size, same iteration count. Bounded: each
# phase (encrypt, decrypt) stops after ITERATIONS operations or about 2 s, whichever comes first.
# usage: benchmarks/crypto.sh [ITERATIONS=200000]
#   CAREFLOW_BIN=path  use that binary instead of building .build/release/careflow
set -euo pipefail
cd "$(dirname "$0")/.."
# BUILD_PATH: the SwiftPM scratch folder of the release build (default .build).
BUILD_PATH=${BUILD_PATH:-.build}
ITERATIONS=${1:-200000}
TIME_LIMIT=2

if [[ -z "${CAREFLOW_BIN:-}" ]]; then
  swift build -c release --product careflow --scratch-path "$BUILD_PATH" >/dev/null
  CAREFLOW_BIN=$BUILD_PATH/release/careflow
fi
swift_out=$(timeout 60 "$CAREFLOW_BIN" bench crypto --iterations "$ITERATIONS") || {
  echo "careflow bench crypto failed: $swift_out" >&2; exit 1; }

python_out=""
if python3 -c 'import cryptography.fernet' 2>/dev/null; then
  python_out=$(timeout 60 python3 benchmarks/crypto_python.py "$ITERATIONS" "$TIME_LIMIT")
else
  echo "python3 with the 'cryptography' module not found: Python reference skipped (pip install cryptography)" >&2
fi

# value KEY OUTPUT: the number after KEY= (accepts encrypt_per_s= and encrypt_per_sec=).
value() { grep -oE "(^|[ _])$1(ec)?=[0-9.]+" <<<"$2" | head -n1 | sed 's/.*=//'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.2fx", a / b; else print "n/a" }'; }

echo "Fernet, 1 KiB field, up to $ITERATIONS operations or ${TIME_LIMIT}s per phase, $(nproc) cores"
sed -n 's/^# /  /p' <<<"$python_out"
printf '%-8s %16s %16s %8s\n' "" "CareFlow ops/s" "Python ops/s" "ratio"
for op in encrypt decrypt; do
  s=$(value "${op}_per_s" "$swift_out")
  p=$(value "${op}_per_s" "$python_out")
  printf '%-8s %16s %16s %8s\n' "$op" "${s:-?}" "${p:-n/a}" "$(ratio "${s:-0}" "${p:-0}")"
done

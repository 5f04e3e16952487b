#!/usr/bin/env bash
# Micro-benchmark of TOTP verification (RFC 6238, SHA-1, 6 digits, 30 s, ±1 step: three
# HMAC-SHA1 per verification), in-process on a release build. Prints verifications per second.
# usage: benchmarks/totp.sh [ITERATIONS=200000]
set -euo pipefail
cd "$(dirname "$0")/.."
# BUILD_PATH: the SwiftPM scratch folder of the release build (default .build).
BUILD_PATH=${BUILD_PATH:-.build}
ITERATIONS=${1:-200000}

swift build -c release --product careflow --scratch-path "$BUILD_PATH" >/dev/null
echo "CareFlow TOTP benchmark: $ITERATIONS verifications, $(nproc) cores"
"$BUILD_PATH/release/careflow" bench totp --iterations "$ITERATIONS"

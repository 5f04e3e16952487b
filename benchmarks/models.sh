#!/usr/bin/env bash
# Training time (Swift vs scikit-learn, same folds, same run) and in-process prediction latency
# for the five CareFlow models. Optional: needs python3 with scikit-learn + numpy for the
# reference column (`--no-sklearn` skips it). Extra arguments go to the bench, e.g. model names.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product careflow-models-bench
exec .build/release/careflow-models-bench "$@"

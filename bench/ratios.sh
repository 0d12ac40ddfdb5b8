#!/usr/bin/env bash
# Runs the peer benchmark pairs of issue 16 interleaved and prints medians,
# ratios and goals met (see README.md and cmd/ratios).
#
#   ./ratios.sh                    10 rounds, full benchtimes
#   QUICK=1 ./ratios.sh            2 rounds, short benchtimes: a smoke test
#   ROUNDS=5 ONLY='Price|Settle' RAW=out.txt ./ratios.sh
#
# Flags are passed on: ./ratios.sh -quick -only Decision
set -euo pipefail
cd "$(dirname "$0")"
exec go run ./cmd/ratios "$@"

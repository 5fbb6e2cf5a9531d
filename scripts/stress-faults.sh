#!/usr/bin/env bash
# Runs every fault case of a run (signals in each placement and phase, kill -9 of the coordinator,
# an exception in an instance, a killed instance, --out refusals, a disk filling up) at least 50
# times through `splitsim run` and prints a table: fault, trials, correct endings, median and max
# time from fault to exit, and the load. Takes about half an hour at 50 trials.
#   scripts/stress-faults.sh [--trials 50] [--only <substring>]
set -euo pipefail
cd "$(dirname "$0")/.."
exec node --import tsx scripts/stress-faults.ts "$@"

#!/usr/bin/env bash
# Each fault of a distributed run (a runner killed, its network cut, SIGINT to the coordinator, a
# runner restarted) many times: how many ended as documented and how long from fault to exit.
# In network namespaces as root (loopback otherwise; it prints which). Figures: docs/distributed.md.
#   scripts/stress-distributed.sh            # 50 trials of each fault (about 20 minutes on 2 cores)
#   scripts/stress-distributed.sh 5 kill cut
set -euo pipefail
cd "$(dirname "$0")/.."
exec node --import tsx scripts/stress-distributed.ts "${1:-50}" "${@:2}"

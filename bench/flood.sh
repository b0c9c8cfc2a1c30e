#!/usr/bin/env bash
# Memory under attack (docs/benchmarks.md, "Memory under attack"): chat-load's flood mode
# against the release chatserver, with one and then four attackers. See bench/README.md.
#
#   bench/flood.sh                   # 1 and 4 attackers, Markdown table on stdout
#   bench/flood.sh --attackers 1     # one scenario
#   bench/flood.sh --help            # every option (they are flood.py's)
set -euo pipefail
cd "$(dirname "$0")/.."

echo "flood.sh: building chatserver and chat-load (release)" >&2
cargo build --release --locked -p chatserver -p chat-load >&2

exec python3 bench/flood.py --target-dir target/release "$@"

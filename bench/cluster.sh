#!/usr/bin/env bash
# Scale-out benchmark: chatserver instances sharing one chat through Redis, against
# one instance without Redis, same machine, same sitting, same load generator
# (chat-load). See bench/README.md.
#
#   bench/cluster.sh                          # 3 rounds, medians, Markdown table on stdout
#   bench/cluster.sh --runs 1 --only solo-1000,redis2-1000
#   bench/cluster.sh --help                   # every option (they are cluster.py's)
#
# This wrapper prepares the machine (redis-server, a release build, the fd limit)
# and hands over to cluster.py, which runs Redis, the instances and chat-load.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v redis-server >/dev/null; then
    echo "cluster.sh: installing redis-server" >&2
    if [[ $(id -u) -eq 0 ]]; then SUDO=(); else SUDO=(sudo); fi
    "${SUDO[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq --no-install-recommends redis-server >&2
fi

echo "cluster.sh: building chatserver and chat-load (release)" >&2
cargo build --release --locked -p chatserver -p chat-load >&2

# 10,000 clients need 10,000 sockets in the generator, and as many across the instances.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

exec python3 bench/cluster.py --redis-server "$(command -v redis-server)" --target-dir target/release "$@"

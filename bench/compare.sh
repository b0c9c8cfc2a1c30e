#!/usr/bin/env bash
# Side-by-side end-to-end benchmark: Qt 5.15's ChatServer against ours, same
# machine, same sitting, same load generator (chat-load). See bench/README.md.
#
#   bench/compare.sh                 # 3 rounds, medians, Markdown table on stdout
#   bench/compare.sh --runs 1        # quicker
#   bench/compare.sh --help          # every option (they are compare.py's)
#
# This wrapper prepares the machine (Qt's server, a release build, the fd limit)
# and hands over to compare.py, which runs the servers and prints the table.
set -euo pipefail
cd "$(dirname "$0")/.."

QT_CHATSERVER=/usr/lib/x86_64-linux-gnu/qt5/examples/webchannel/chatserver-cpp/chatserver

if [[ ! -x "$QT_CHATSERVER" ]]; then
    echo "compare.sh: installing Qt 5.15's ChatServer example (qtwebchannel5-examples)" >&2
    if [[ $(id -u) -eq 0 ]]; then SUDO=(); else SUDO=(sudo); fi
    "${SUDO[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq qtwebchannel5-examples >&2
fi

echo "compare.sh: building chatserver and chat-load (release)" >&2
cargo build --release --locked -p chatserver -p chat-load >&2

# 10,000 clients need 10,000 sockets in the generator and as many in the server.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

exec python3 bench/compare.py --qt-server "$QT_CHATSERVER" --target-dir target/release "$@"

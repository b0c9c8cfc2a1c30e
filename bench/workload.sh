#!/usr/bin/env bash
# Side-by-side in-process benchmark (docs/benchmarks.md, "The in-process workload"):
# Qt's own QWebChannel (bench/qt-workload/, built against Qt 5.15 and Qt 6) against ours
# (the `workload` example), alternating in the same sitting. See bench/README.md.
#
#   bench/workload.sh                  # 5 rounds, medians, Markdown table on stdout
#   bench/workload.sh --rounds 1       # quicker
#   bench/workload.sh --no-qt6         # Qt 5.15 and ours only
#   bench/workload.sh --help           # every option (they are workload.py's)
#
# This wrapper installs what is missing (Qt's development packages, a C++ compiler),
# builds the three programs in release mode, and hands over to workload.py.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(g++ make qtbase5-dev libqt5webchannel5-dev qt6-base-dev qt6-webchannel-dev)
BUILD=target/bench/qt-workload

missing=()
for package in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done
if ((${#missing[@]})); then
    echo "workload.sh: installing ${missing[*]}" >&2
    if [[ $(id -u) -eq 0 ]]; then SUDO=(); else SUDO=(sudo); fi
    "${SUDO[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq "${missing[@]}" >&2
fi

# qmake builds out of tree; each Qt gets its own directory.
build_qt() {
    local dir="$BUILD/$1" qmake="$2"
    echo "workload.sh: building bench/qt-workload against $("$qmake" -query QT_VERSION)" >&2
    mkdir -p "$dir"
    (cd "$dir" && "$qmake" "$OLDPWD/bench/qt-workload/qt-workload.pro" >&2 && make -s -j2 >&2)
}
build_qt qt5 /usr/lib/qt5/bin/qmake
build_qt qt6 /usr/lib/qt6/bin/qmake6

echo "workload.sh: building the workload example (release)" >&2
cargo build --release --locked -p webchannel --example workload >&2

exec python3 bench/workload.py \
    --ours target/release/examples/workload \
    --qt5 "$BUILD/qt5/qt-workload" \
    --qt6 "$BUILD/qt6/qt-workload" \
    "$@"

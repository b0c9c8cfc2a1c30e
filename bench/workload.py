#!/usr/bin/env python3
"""Runs the in-process workload in Qt 5.15, Qt 6 and ours; prints a Markdown table.

workload.sh calls this after building the three programs. Each round runs every
program once with the same iteration counts, in an order that rotates from round
to round, so that drift on a shared machine hits all alike. The table shows medians
over the rounds, ours/Qt ratios and the project's targets (ours/Qt 5.15; docs/benchmarks.md).

Every program reports medians of its own thread's CPU time (other processes do not
inflate it) and, under "wall", of the wall clock.
"""

import argparse
import datetime
import json
import pathlib
import shlex
import statistics
import subprocess
import sys

from compare import cell, git_commit, machine, ratio

# Rows: label, report field, format, target ratio ours/Qt (None: no target).
SCENARIOS = [
    ("init (100 objects)", "init_ns", "time", 1 / 4),
    ("invoke round trip", "invoke_ns", "time", 1 / 4),
    ("fan-out, per delivery", "fanout_ns_per_delivery", "time", 1 / 10),
    ("property flush (1,000 changes)", "property_flush_ns", "time", 1 / 4),
    ("init response (bytes)", "init_bytes", "{:,.0f}", None),
]

# What only ours reports: invoke and fan-out over task-driven sessions (the main rows use
# direct sessions, handled in the caller's thread as Qt's transport is), and what that
# in-memory transport costs by itself.
OURS_ONLY = [
    ("invoke round trip, task-driven session", "invoke_task_ns"),
    ("invoke, task-driven, a round pipelined (per call)", "invoke_pipelined_ns"),
    ("fan-out per delivery, task-driven sessions", "fanout_task_ns_per_delivery"),
    ("transport alone: round trip to an echo task", "transport_round_trip_ns"),
    ("transport alone: one delivery through a channel", "transport_delivery_ns"),
]

PROGRAMS = ("qt5", "qt6", "ours")
TITLES = {"qt5": "Qt 5.15", "qt6": "Qt 6", "ours": "ours"}


def fail(message):
    print(f"workload.py: {message}", file=sys.stderr)
    sys.exit(1)


def time_cell(nanoseconds):
    """A duration in the unit that reads best: ns, µs or ms."""
    if nanoseconds is None:
        return "–"
    if nanoseconds >= 1e6:
        return f"{nanoseconds / 1e6:.2f} ms"
    if nanoseconds >= 1e3:
        return f"{nanoseconds / 1e3:.2f} µs"
    return f"{nanoseconds:.0f} ns"


def format_value(value, form):
    return time_cell(value) if form == "time" else cell(value, form)


def median_of(reports, field, clock="cpu"):
    values = [(r.get("wall") or {}).get(field) if clock == "wall" else r.get(field) for r in reports]
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def run_program(name, path, flags, results_dir, round_number):
    """Runs one program; returns its report, or None (the reason is on stderr)."""
    stem = results_dir / f"{name}-run{round_number}"
    print(f"workload.py: round {round_number}: {TITLES[name]}", file=sys.stderr, flush=True)
    try:
        finished = subprocess.run([path, *flags], capture_output=True, text=True, timeout=900)
    except subprocess.TimeoutExpired:
        print(f"workload.py: {TITLES[name]} took longer than 900 s", file=sys.stderr)
        return None
    stem.with_suffix(".err").write_text(finished.stderr)
    if finished.returncode != 0:
        print(f"workload.py: {TITLES[name]} failed ({finished.returncode}): {finished.stderr.strip()[-500:]}",
              file=sys.stderr)
        return None
    line = finished.stdout.strip().splitlines()[-1] if finished.stdout.strip() else ""
    stem.with_suffix(".json").write_text(line + "\n")
    return json.loads(line)


def table(collected):
    names = [n for n in PROGRAMS if collected.get(n)]
    header = ["scenario (median)"] + [TITLES[n] for n in names]
    qts = [n for n in ("qt5", "qt6") if n in names]
    if "ours" in names:
        header += [f"ours / {TITLES[q]}" for q in qts]
        if "qt5" in names:
            header += ["target (ours / Qt 5.15)", "met?"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for label, field, form, target in SCENARIOS:
        values = {n: median_of(collected[n], field) for n in names}
        row = [label] + [format_value(values[n], form) for n in names]
        if "ours" in names:
            row += [ratio(values["ours"], values[q]) for q in qts]
            if "qt5" in names:
                if target is None or values["ours"] is None or not values["qt5"]:
                    row += ["", ""]
                else:
                    met = values["ours"] / values["qt5"] <= target
                    row += [f"≤ {target:.2f}×", "yes" if met else "**no**"]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def ours_table(reports):
    lines = ["| what ours measures besides (median) | ours |", "|---|---|"]
    for label, field in OURS_ONLY:
        lines.append(f"| {label} | {time_cell(median_of(reports, field))} |")
    return "\n".join(lines)


def runs_table(collected):
    lines = [
        "| program | run | init | invoke | fan-out / delivery | property flush | wall clock: init / invoke / fan-out / flush |",
        "|---|---|---|---|---|---|---|",
    ]
    for name in PROGRAMS:
        for number, report in enumerate(collected.get(name) or [], start=1):
            wall = report.get("wall") or {}
            cells = [time_cell(report.get(f)) for _, f, form, _ in SCENARIOS if form == "time"]
            walls = " / ".join(time_cell(wall.get(f)) for _, f, form, _ in SCENARIOS if form == "time")
            lines.append(f"| {TITLES[name]} | {number} | " + " | ".join(cells) + f" | {walls} |")
    return "\n".join(lines)


def print_tables(collected):
    print(table(collected))
    print("\nRatios are ours / Qt; below 1 is better. Times are medians of each program's own CPU")
    print("time per operation (the wall clock's are in the last table).\n")
    if collected.get("ours"):
        print(ours_table(collected["ours"]))
        print()
    print("### Every run\n")
    print(runs_table(collected))


def load(directory):
    collected = {}
    for name in PROGRAMS:
        paths = sorted(directory.glob(f"{name}-run*.json"))
        collected[name] = [json.loads(p.read_text()) for p in paths]
    if not any(collected.values()):
        fail(f"no reports in {directory}")
    return collected


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5, help="rounds over all programs; medians shown (default 5)")
    parser.add_argument("--no-qt6", action="store_true", help="leave Qt 6 out")
    parser.add_argument("--flags", default="", help="iteration flags for every program, e.g. '--init-iterations 50'")
    parser.add_argument("--results-dir", help="where the reports go (default target/bench/workload-<time>)")
    parser.add_argument("--render", metavar="DIR", help="run nothing: print the tables of the reports saved in DIR")
    parser.add_argument("--ours", help="the workload example's binary")
    parser.add_argument("--qt5", help="qt-workload built against Qt 5.15")
    parser.add_argument("--qt6", help="qt-workload built against Qt 6")
    args = parser.parse_args()
    if args.render:
        print_tables(load(pathlib.Path(args.render)))
        return
    programs = {"qt5": args.qt5, "qt6": None if args.no_qt6 else args.qt6, "ours": args.ours}
    programs = {name: path for name, path in programs.items() if path}
    if "ours" not in programs or "qt5" not in programs:
        parser.error("--ours and --qt5 are required (workload.sh passes them)")

    started = datetime.datetime.now()
    results_dir = pathlib.Path(args.results_dir or f"target/bench/workload-{started:%Y%m%d-%H%M%S}")
    results_dir.mkdir(parents=True, exist_ok=True)
    flags = shlex.split(args.flags)
    collected = {name: [] for name in programs}
    failures = 0
    order = list(programs)
    for round_number in range(1, args.rounds + 1):
        for name in order:
            report = run_program(name, programs[name], flags, results_dir, round_number)
            if report is None:
                failures += 1
            else:
                collected[name].append(report)
        order = order[1:] + order[:1]

    qt_versions = ", ".join(
        f"{TITLES[n]} = {collected[n][0].get('qt_version', '?')}" for n in ("qt5", "qt6") if collected.get(n)
    )
    print("## In-process workload: Qt's QWebChannel vs ours\n")
    print(f"- date: {started:%Y-%m-%d %H:%M}")
    print(f"- machine: {machine()}")
    print(f"- Qt: {qt_versions} (bench/qt-workload, release); ours: commit {git_commit()}, release build")
    print(f"- rounds: {args.rounds}, programs alternating; medians shown; raw reports in {results_dir}")
    if flags:
        print(f"- flags: {' '.join(flags)}")
    print()
    print_tables(collected)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()

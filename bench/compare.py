#!/usr/bin/env python3
"""Runs chat-load against Qt 5.15's ChatServer and ours; prints a Markdown table.

compare.sh calls this after installing Qt's server, building ours and raising the
fd limit. Each scenario starts a fresh server, runs chat-load with --server-pid,
and stops the server; scenarios are interleaved (Qt, ours, Qt, ours, ...) and the
whole list is repeated --runs times so that drift on a shared machine hits both
servers alike. The table shows medians over the runs and ours/Qt ratios.
"""

import argparse
import datetime
import json
import os
import pathlib
import platform
import resource
import select
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time

QT_PORT = 12345  # Qt's ChatServer example always listens here.
SERVER_START_TIMEOUT = 20.0
SERVER_STOP_TIMEOUT = 5.0


class Scenario:
    def __init__(self, server, clients, senders, messages):
        self.server = server
        self.clients = clients
        self.senders = senders
        self.messages = messages
        self.key = f"{server}-{clients}"
        self.title = f"{'Qt 5.15' if server == 'qt' else 'ours'} @{clients:,}"


def scenarios(args):
    return [
        Scenario("qt", 100, 10, 20_000),
        Scenario("ours", 100, 10, 20_000),
        Scenario("qt", 1_000, 10, 2_000),
        Scenario("ours", 1_000, 10, 2_000),
        Scenario("ours", 10_000, 10, args.messages_10000),
    ]


def fail(message):
    print(f"compare.py: {message}", file=sys.stderr)
    sys.exit(1)


def note(message):
    print(f"compare.py: {message}", file=sys.stderr, flush=True)


def port_is_free(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    if port == QT_PORT:
        return free_port()
    return port


def wait_for_port(port, process, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.05)
    return False


def copy_lines(stream, log):
    for line in stream:
        log.write(line)
    log.flush()


class Server:
    """A chat server process under test."""

    def __init__(self, scenario, args, log_path):
        self.log = open(log_path, "w", encoding="utf-8", errors="replace")
        if scenario.server == "qt":
            self.start_qt(args)
        else:
            self.start_ours(args)

    def start_qt(self, args):
        if not port_is_free(QT_PORT):
            fail(
                f"port {QT_PORT} is taken; Qt's ChatServer always listens there, "
                "so stop whatever holds it first (ss -ltnp | grep 12345)"
            )
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        self.process = subprocess.Popen(
            [args.qt_server], stdout=self.log, stderr=subprocess.STDOUT, env=env
        )
        if not wait_for_port(QT_PORT, self.process, SERVER_START_TIMEOUT):
            self.stop()
            fail(f"Qt's ChatServer did not start listening; see {self.log.name}")
        self.url = f"ws://127.0.0.1:{QT_PORT}"

    def start_ours(self, args):
        binary = os.path.join(args.target_dir, "chatserver")
        address = f"127.0.0.1:{free_port()}"
        self.process = subprocess.Popen(
            [binary, "--listen", address],
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
        )
        ready, _, _ = select.select([self.process.stdout], [], [], SERVER_START_TIMEOUT)
        line = self.process.stdout.readline() if ready else ""
        if not line.startswith("listening on ws://"):
            self.stop()
            fail(f"our chatserver did not say 'listening on ws://...' (got {line!r}); see {self.log.name}")
        self.url = line.split()[-1]
        # Keep reading its stdout, so that a chatty server never blocks on a full pipe.
        threading.Thread(target=copy_lines, args=(self.process.stdout, self.log), daemon=True).start()

    def alive(self):
        return self.process.poll() is None

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(SERVER_STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def run_scenario(scenario, args, results_dir, round_number):
    stem = results_dir / f"{scenario.key}-run{round_number}"
    server = Server(scenario, args, f"{stem}.server.log")
    command = [
        os.path.join(args.target_dir, "chat-load"),
        "--url", server.url,
        "--clients", str(scenario.clients),
        "--senders", str(scenario.senders),
        "--messages", str(scenario.messages),
        "--server-pid", str(server.process.pid),
        "--timeout", f"{args.timeout}s",
    ]
    note(f"{scenario.title}, run {round_number}: {' '.join(command)}")
    report = None
    problem = None
    try:
        finished = subprocess.run(
            command, capture_output=True, text=True, timeout=args.timeout + 30
        )
        pathlib.Path(f"{stem}.stderr").write_text(finished.stderr)
        try:
            report = json.loads(finished.stdout)
            pathlib.Path(f"{stem}.json").write_text(finished.stdout)
        except json.JSONDecodeError:
            problem = f"chat-load printed no report (exit {finished.returncode}): {finished.stderr.strip()[:300]}"
        if report is not None and not report.get("complete"):
            problem = "; ".join(report.get("errors") or []) or "incomplete deliveries"
    except subprocess.TimeoutExpired:
        problem = f"chat-load did not finish within {args.timeout + 30} s"
    if not server.alive():
        problem = (problem + "; " if problem else "") + f"the server exited (code {server.process.returncode})"
    server.stop()
    if problem:
        note(f"{scenario.title}, run {round_number}: FAILED: {problem}")
    elif report is not None:
        note(
            f"{scenario.title}, run {round_number}: "
            f"{report.get('server_cpu_us_per_delivery')} us server CPU per delivery, "
            f"{report['deliveries_per_s']:,.0f} deliveries/s"
        )
    return report, problem


# Rows of the table: label, how to read the figure from a report, format.
def latency(name):
    return lambda r: (r.get("latency_ms") or {}).get(name)


def mib(key):
    return lambda r: None if r.get(key) is None else r[key] / 1024


METRICS = [
    ("connect + login (ms)", lambda r: r.get("connect_login_ms"), "{:,.0f}"),
    ("deliveries / s", lambda r: r.get("deliveries_per_s"), "{:,.0f}"),
    ("latency p50 (ms)", latency("p50"), "{:,.1f}"),
    ("latency p99 (ms)", latency("p99"), "{:,.1f}"),
    ("latency max (ms)", latency("max"), "{:,.1f}"),
    ("**server CPU per delivery (µs)**", lambda r: r.get("server_cpu_us_per_delivery"), "{:.2f}"),
    ("server CPU, messaging phase (s)", lambda r: r.get("server_cpu_s"), "{:.2f}"),
    ("server CPU, connect + login (s)", lambda r: r.get("server_cpu_login_s"), "{:.2f}"),
    ("server peak RSS (MiB)", mib("server_peak_rss_kb"), "{:,.1f}"),
    ("RSS per logged-in idle client (kB)", lambda r: r.get("rss_per_client_kb"), "{:,.1f}"),
    ("generator CPU per delivery (µs)", lambda r: r.get("generator_cpu_us_per_delivery"), "{:.2f}"),
    ("generator CPU, connect + login (s)", lambda r: r.get("generator_cpu_login_s"), "{:.2f}"),
    ("propertyUpdates received, all clients", lambda r: r.get("property_updates"), "{:,.0f}"),
]


def median(reports, read):
    values = [read(r) for r in reports]
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def cell(value, form):
    return "–" if value is None else form.format(value)


def ratio(ours, qt):
    if ours is None or qt is None or qt == 0:
        return "–"
    return f"{ours / qt:.2f}×"


def deliveries_cell(reports, problems):
    if not reports:
        return "no report"
    received = sum(r["deliveries_received"] for r in reports)
    expected = sum(r["deliveries_expected"] for r in reports)
    text = f"{reports[0]['deliveries_expected']:,} ×{len(reports)}"
    if received != expected or any(problems):
        text = f"**INCOMPLETE** {received:,} / {expected:,}"
    return text


def table(all_scenarios, results):
    by_key = {s.key: s for s in all_scenarios}
    columns = []  # (title, key or None, is_ratio pair)
    for clients in (100, 1_000, 10_000):
        qt, ours = f"qt-{clients}", f"ours-{clients}"
        if qt in by_key:
            columns.append(("value", qt))
        if ours in by_key:
            columns.append(("value", ours))
        if qt in by_key and ours in by_key:
            columns.append(("ratio", (ours, qt)))
    header = ["metric (median)"]
    for kind, key in columns:
        if kind == "value":
            s = by_key[key]
            header.append(f"{s.title} ({s.senders} / {s.messages:,})")
        else:
            header.append("ours / Qt")
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]

    def row(label, values):
        lines.append("| " + " | ".join([label] + values) + " |")

    values = []
    for kind, key in columns:
        if kind == "value":
            reports, problems, _ = results[key]
            values.append(deliveries_cell(reports, problems))
        else:
            values.append("")
    row("deliveries per run (all received?)", values)
    for label, read, form in METRICS:
        values = []
        for kind, key in columns:
            if kind == "value":
                values.append(cell(median(results[key][0], read), form))
            else:
                ours, qt = key
                values.append(ratio(median(results[ours][0], read), median(results[qt][0], read)))
        row(label, values)
    return "\n".join(lines)


def runs_table(all_scenarios, results):
    lines = [
        "| scenario | run | complete | server CPU / delivery (µs) | deliveries / s | p50 / p99 (ms) | connect + login (ms) | peak RSS (MiB) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for s in all_scenarios:
        for number, (report, problem) in enumerate(results[s.key][2], start=1):
            if report is None:
                lines.append(f"| {s.title} | {number} | no: {problem} | | | | | |")
                continue
            lat = report.get("latency_ms") or {}
            lines.append(
                f"| {s.title} | {number} | {'yes' if not problem else 'no: ' + problem} "
                f"| {cell(report.get('server_cpu_us_per_delivery'), '{:.2f}')} "
                f"| {report['deliveries_per_s']:,.0f} "
                f"| {cell(lat.get('p50'), '{:.1f}')} / {cell(lat.get('p99'), '{:.1f}')} "
                f"| {report['connect_login_ms']:,.0f} "
                f"| {cell(mib('server_peak_rss_kb')(report), '{:.1f}')} |"
            )
    return "\n".join(lines)


def print_tables(chosen, collected):
    print(table(chosen, collected))
    print("\nRatios are ours / Qt: below 1 is better for everything except deliveries / s.\n")
    print("### Every run\n")
    print(runs_table(chosen, collected))


def render(args):
    """Prints the tables of reports a previous run saved (<key>-run<n>.json)."""
    directory = pathlib.Path(args.render)
    chosen, collected = [], {}
    for scenario in scenarios(args):
        paths = sorted(directory.glob(f"{scenario.key}-run*.json"))
        if not paths:
            continue
        chosen.append(scenario)
        reports = [json.loads(path.read_text()) for path in paths]
        problems = [
            None if r.get("complete") else ("; ".join(r.get("errors") or []) or "incomplete deliveries")
            for r in reports
        ]
        collected[scenario.key] = (reports, problems, list(zip(reports, problems)))
    if not chosen:
        fail(f"no reports in {directory}")
    print_tables(chosen, collected)


def machine():
    model = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({model}), Linux {platform.release()}"


def qt_version():
    try:
        return subprocess.run(
            ["dpkg-query", "-W", "-f=${Version}", "qtwebchannel5-examples"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def git_commit():
    try:
        return subprocess.run(
            ["git", "describe", "--always", "--dirty", "--abbrev=7"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="rounds over all scenarios; the table shows medians (default 3)")
    parser.add_argument("--only", help="comma-separated scenario keys, e.g. qt-100,ours-100 (default: all of "
                        "qt-100, ours-100, qt-1000, ours-1000, ours-10000)")
    parser.add_argument("--messages-10000", type=int, default=200, help="messages for the 10,000-client run (default 200)")
    parser.add_argument("--timeout", type=int, default=240, help="seconds chat-load may take per run (default 240)")
    parser.add_argument("--results-dir", help="where raw reports and server logs go (default target/bench/<time>)")
    parser.add_argument("--render", metavar="DIR", help="run nothing: print the table of the reports saved in DIR")
    parser.add_argument("--qt-server", help="Qt's ChatServer binary")
    parser.add_argument("--target-dir", help="directory with the release chatserver and chat-load")
    args = parser.parse_args()
    if args.render:
        render(args)
        return
    if not args.qt_server or not args.target_dir:
        parser.error("--qt-server and --target-dir are required (compare.sh passes them)")

    chosen = scenarios(args)
    if args.only:
        keys = set(args.only.split(","))
        unknown = keys - {s.key for s in chosen}
        if unknown:
            fail(f"unknown scenarios: {', '.join(sorted(unknown))}")
        chosen = [s for s in chosen if s.key in keys]
    needed = 2 * max(s.clients for s in chosen) + 100
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed // 2 + 100:
        fail(f"the open-file limit is {soft}; {needed // 2 + 100} are needed (compare.sh raises it)")

    started = datetime.datetime.now()
    results_dir = pathlib.Path(args.results_dir or f"target/bench/{started:%Y%m%d-%H%M%S}")
    results_dir.mkdir(parents=True, exist_ok=True)
    collected = {s.key: ([], [], []) for s in chosen}
    for round_number in range(1, args.runs + 1):
        for scenario in chosen:
            report, problem = run_scenario(scenario, args, results_dir, round_number)
            reports, problems, runs = collected[scenario.key]
            if report is not None:
                reports.append(report)
            problems.append(problem)
            runs.append((report, problem))
            time.sleep(1)

    print("## Chat server end to end: Qt 5.15 ChatServer vs ours\n")
    print(f"- date: {started:%Y-%m-%d %H:%M}")
    print(f"- machine: {machine()}")
    print(f"- Qt: qtwebchannel5-examples {qt_version()}; ours: commit {git_commit()}, release build")
    print(f"- runs: {args.runs} per scenario, interleaved; medians shown; raw reports in {results_dir}")
    print("- generator: chat-load, 10 senders, at most 16 calls in flight per sender\n")
    print_tables(chosen, collected)
    failed = [p for _, problems, _ in collected.values() for p in problems if p]
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

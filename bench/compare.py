#!/usr/bin/env python3
"""Runs chat-load against Qt 5.15's ChatServer and ours; prints a Markdown table.

compare.sh calls this after installing Qt's server, building ours and raising the
fd limit. Each scenario starts a fresh server, runs chat-load with --server-pid,
and stops the server; scenarios are interleaved (Qt, ours, Qt, ours, ...) and the
whole list is repeated --runs times so that drift on a shared machine hits both
servers alike. The table shows medians over the runs and ours/Qt ratios.

The ours-js-* scenarios drive our server with JavaScript-like clients (chat-load
--client-mode js) under the server's default keep-alive, and add the users it
dropped and the messages it accepted.
"""

import argparse
import os
import socket
import subprocess
import sys

from chatbench import (
    OurServer, StartError, add_common_arguments, any_failed, cell, fail, git_commit, latency,
    median, note, p50_p99, package_version, run_all, run_chat_load, runs_table,
    parse_arguments, stop_process, wait_for_port, SERVER_START_TIMEOUT,
)

QT_PORT = 12345  # Qt's ChatServer example always listens here.


class Scenario:
    def __init__(self, server, clients, senders, messages, client_mode="fast", generator_threads=None):
        self.server = server
        self.clients = clients
        self.senders = senders
        self.messages = messages
        self.client_mode = client_mode
        self.generator_threads = generator_threads
        if client_mode == "js":
            self.key = f"{server}-js-{clients}"
            self.title = f"ours, JS-like clients @{clients:,}"
        else:
            self.key = f"{server}-{clients}"
            self.title = f"{'Qt 5.15' if server == 'qt' else 'ours'} @{clients:,}"


def scenarios(args):
    return [
        Scenario("qt", 100, 10, 20_000),
        Scenario("ours", 100, 10, 20_000),
        Scenario("qt", 1_000, 10, 2_000),
        Scenario("ours", 1_000, 10, 2_000),
        Scenario("ours", 10_000, 10, args.messages_10000),
        # Clients that read like qwebchannel.js, against the server's default keep-alive:
        # 1,000 on one event loop (one Node.js process); 10,000 on two (two processes),
        # with as many messages as the fast 10,000-client run, since every client parses
        # every frame, the user lists of the login storm included.
        Scenario("ours", 1_000, 10, args.js_messages, client_mode="js"),
        Scenario("ours", 10_000, 10, args.messages_10000, client_mode="js", generator_threads=2),
    ]


def port_is_free(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


class QtServer:
    """Qt 5.15's ChatServer example, on the one port it knows."""

    def __init__(self, args, log_path):
        self.log = open(log_path, "w", encoding="utf-8", errors="replace")
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
        self.pid = self.process.pid

    def alive(self):
        return self.process.poll() is None

    def stop(self):
        stop_process(self.process)
        self.log.close()


def start_server(scenario, args, log_path):
    if scenario.server == "qt":
        return QtServer(args, log_path)
    try:
        return OurServer(os.path.join(args.target_dir, "chatserver"), [], log_path)
    except StartError as error:
        fail(str(error))


def run_scenario(scenario, args, results_dir, round_number):
    stem = results_dir / f"{scenario.key}-run{round_number}"
    server = start_server(scenario, args, f"{stem}.server.log")
    command = [
        os.path.join(args.target_dir, "chat-load"),
        "--url", server.url,
        "--clients", str(scenario.clients),
        "--senders", str(scenario.senders),
        "--messages", str(scenario.messages),
        "--server-pid", str(server.pid),
        "--timeout", f"{args.timeout}s",
    ]
    if scenario.client_mode == "js":
        command += ["--client-mode", "js", "--frame-cost", args.js_frame_cost]
    if scenario.generator_threads:
        command += ["--threads", str(scenario.generator_threads)]
    note(f"{scenario.title}, run {round_number}: {' '.join(command)}")
    report, problem = run_chat_load(command, args.timeout + 30, stem)
    if not server.alive():
        problem = (problem + "; " if problem else "") + f"the server exited (code {server.process.returncode})"
    server.stop()
    if problem:
        note(f"{scenario.title}, run {round_number}: FAILED: {problem}")
    if report is not None:
        dropped = f", {report['users_dropped']:,} users dropped" if "users_dropped" in report else ""
        note(
            f"{scenario.title}, run {round_number}: "
            f"{report.get('server_cpu_us_per_delivery')} us server CPU per delivery, "
            f"{report['deliveries_per_s']:,.0f} deliveries/s{dropped}"
        )
    return report, problem


# Rows of the table: label, how to read the figure from a report, format.
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
    # JavaScript-like clients only: what the server's keep-alive did to slow readers.
    ("users dropped (JS-like clients)", lambda r: r.get("users_dropped"), "{:,.0f}"),
    ("messages accepted (JS-like clients)", lambda r: r.get("messages_accepted"), "{:,.0f}"),
]


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
        qt, ours, js = f"qt-{clients}", f"ours-{clients}", f"ours-js-{clients}"
        if qt in by_key:
            columns.append(("value", qt))
        if ours in by_key:
            columns.append(("value", ours))
        if qt in by_key and ours in by_key:
            columns.append(("ratio", (ours, qt)))
        if js in by_key:
            columns.append(("value", js))
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


RUN_COLUMNS = [
    ("server CPU / delivery (µs)", lambda r: cell(r.get("server_cpu_us_per_delivery"), "{:.2f}")),
    ("deliveries / s", lambda r: f"{r['deliveries_per_s']:,.0f}"),
    ("p50 / p99 (ms)", p50_p99("{:.1f}")),
    ("connect + login (ms)", lambda r: f"{r['connect_login_ms']:,.0f}"),
    ("peak RSS (MiB)", lambda r: cell(mib("server_peak_rss_kb")(r), "{:.1f}")),
]


def print_tables(chosen, collected):
    print(table(chosen, collected))
    print("\nRatios are ours / Qt: below 1 is better for everything except deliveries / s.\n")
    print("### Every run\n")
    print(runs_table(chosen, collected, RUN_COLUMNS))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", help="comma-separated scenario keys, e.g. qt-100,ours-100 (default: all of "
                        "qt-100, ours-100, qt-1000, ours-1000, ours-10000, ours-js-1000, ours-js-10000)")
    parser.add_argument("--messages-10000", type=int, default=200,
                        help="messages for the 10,000-client runs, fast and JS-like (default 200)")
    parser.add_argument("--js-messages", type=int, default=2_000,
                        help="messages for the 1,000-client JS-like run (default 2000)")
    parser.add_argument("--js-frame-cost", default="0us",
                        help="time a JS-like client spends on every frame after parsing it (default 0us)")
    parser.add_argument("--qt-server", help="Qt's ChatServer binary")
    add_common_arguments(parser, "")
    args, chosen = parse_arguments(parser, "--qt-server", "compare.sh", scenarios, print_tables)
    print("## Chat server end to end: Qt 5.15 ChatServer vs ours\n")
    collected = run_all(args, chosen, run_scenario)
    print(f"- Qt: qtwebchannel5-examples {package_version('qtwebchannel5-examples')}; "
          f"ours: commit {git_commit()}, release build")
    print("- generator: chat-load, 10 senders, at most 16 calls in flight per sender")
    if any(s.client_mode == "js" for s in chosen):
        print(f"- JS-like clients: every frame parsed, {args.js_frame_cost} more per frame, one event loop "
              "(two for 10,000 clients); the server's default keep-alive")
    print()
    print_tables(chosen, collected)
    sys.exit(1 if any_failed(collected) else 0)


if __name__ == "__main__":
    main()
